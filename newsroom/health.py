"""Probes for the load balancer and the orchestrator.

`/healthz` (readiness) checks what every page needs, the database and the cache,
and answers 503 naming the one that failed. `/livez` (liveness) answers at once
without touching either, so a slow database does not get workers restarted; it
is also the benchmark's ceiling: the cheapest response through all middleware.
"""

import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from redis.exceptions import RedisError


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache():
    """Write and read back a key of this probe's own: probes at once must not read each
    other's values (one shared key gave false 503s under concurrent probes)."""
    key, token = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, token, 10)
    try:
        if cache.get(key) != token:  # django-redis reports its errors as misses
            raise ConnectionError("cache tidak mengembalikan nilai yang baru disimpan")
    finally:
        cache.delete(key)


@never_cache
def healthz(request):
    results, healthy = {}, True
    for name, check in [("database", check_database), ("cache", check_cache)]:
        try:
            check()
        except (DatabaseError, RedisError, ConnectionError) as error:
            results[name], healthy = f"gagal: {error}", False
        else:
            results[name] = "ok"
    return JsonResponse(results, status=200 if healthy else 503)


@never_cache
def livez(request):
    return HttpResponse("ok", content_type="text/plain")
