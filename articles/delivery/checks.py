"""Deployment checks of our own, run by `manage.py check --deploy`: whether Redis,
which holds the views not yet counted (`readership`), keeps them across a restart.
"""

from django.core import checks
from redis.exceptions import RedisError

from .readership import redis_client


@checks.register(checks.Tags.caches, deploy=True)
def check_redis_persistence(app_configs, **kwargs):
    """Views wait in Redis until the next flush: a Redis restarted without persistence
    loses them. Warns only when Redis itself says `appendonly no`; a Redis that refuses
    CONFIG GET (managed services often do), cannot be reached, or is not the cache is
    left alone (the readiness probe, not this, reports a Redis that is down)."""
    client = redis_client()
    if client is None:
        return []
    try:
        appendonly = client.config_get("appendonly").get("appendonly")
    except RedisError:
        return []
    if appendonly != "no":
        return []
    return [
        checks.Warning(
            "Redis berjalan tanpa appendonly: jumlah baca yang belum dipindahkan ke "
            "database hilang bila Redis dimulai ulang.",
            hint="Pasang `appendonly yes` di konfigurasi Redis (lihat README, Production).",
            id="articles.W001",
        )
    ]
