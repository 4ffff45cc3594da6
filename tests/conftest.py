import os
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connections

from articles import network
from articles.media import renditions
from articles.templatetags import reader

# Test runs at once on one machine share TEST_REDIS_URL's database: each keeps to its own keys.
REDIS_KEY_PREFIX = f"test-{uuid.uuid4().hex[:12]}"


def clear_cache():
    """Empty the cache; on Redis, only this run's keys (FLUSHDB would empty another run's)."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture
def database_queue(settings):
    """Tasks go to django-tasks-db's queue, with the project's own queues, for a worker."""
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}
    }


@pytest.fixture(scope="session")
def _outside_server():
    from tests.outside_stub import StubServer

    server = StubServer()
    yield server
    server.stop()


@pytest.fixture
def outside_stub(_outside_server, monkeypatch):
    """An HTTPS stand-in for outside hosts on loopback (tests/outside_stub.py), its
    certificate trusted by articles.outside for this test alone."""
    from articles import outside

    _outside_server.reset()
    monkeypatch.setattr(outside, "tls_context", _outside_server.client_context)
    return _outside_server


@pytest.fixture
def seed_dir():
    return Path(settings.BASE_DIR) / "seeds"


@pytest.fixture
def seed_text(seed_dir):
    """The first shipped seed document, as text."""
    return sorted(seed_dir.glob("*.txt"))[0].read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Django keeps connections per context, and the sync API runs the tests after this in
    # a context of its own, with new connection objects: give them the database's state
    # as migrated (kept on the first ones when the database was set up before this), or a
    # serialized rollback after an earlier test's flush would restore nothing.
    migrated = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in migrated.items():
            if not hasattr(connections[alias], "_test_serialized_contents"):
                connections[alias]._test_serialized_contents = contents
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def content_types_of_this_database(request):
    """A test that flushes the database (transaction=True) starts without the content types
    an earlier one cached in the process (after a serialized rollback's flush, Django
    makes them anew with other ids)."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
        # Its flush would make the content types anew, and the next serialized rollback
        # would then meet them: every flushing test rolls back to the migrated data.
        pytest.fail("django_db(transaction=True) needs serialized_rollback=True here")
    if (marker and marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames:
        ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as rows it finds are its own."""
    clear_cache()
    renditions.known_renditions.cache_clear()
    renditions.stored_size.cache_clear()
    reader.picture_markup.cache_clear()
    network.forget_sites()
    yield
    clear_cache()
    network.forget_sites()


@pytest.fixture
def redis_cache(settings):
    """The default cache on a real Redis (TEST_REDIS_URL), configured as in production."""
    try:
        redis.Redis.from_url(settings.TEST_REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"needs Redis at {settings.TEST_REDIS_URL}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": settings.TEST_REDIS_URL,
            "KEY_PREFIX": REDIS_KEY_PREFIX,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        }
    }
    clear_cache()
    yield
    clear_cache()


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request):
    """Run the test on the local-memory cache (development) and on Redis (production)."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    return request.param
