"""Test settings: the project's own, made fast (quick hasher, memory cache, temp media)."""

import os
import tempfile

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# Browser tests talk plain HTTP to the live server; production's HTTPS settings are
# checked in tests/test_security.py by loading the real settings.
os.environ.setdefault("HTTPS", "0")
# The default site answers on the test client's host and on the live server's.
os.environ.setdefault("SITE_DOMAIN", "testserver")
os.environ.setdefault("SITE_ALIASES", "localhost,127.0.0.1")

from newsroom.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-media-")
STORAGES["originals"]["OPTIONS"]["location"] = tempfile.mkdtemp(prefix="newsroom-test-originals-")  # noqa: F405
STATIC_ROOT = tempfile.mkdtemp(prefix="newsroom-test-static-")
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# A file, not memory, for SQLite's test database: the browser tests' live server
# answers from other threads, and an in-memory database cannot be shared with them.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.mkdtemp(prefix="newsroom-test-db-"), "test.sqlite3")
    }
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA synchronous=OFF;"}  # noqa: F405

# Pages and the Terpopuler ranking are computed fresh unless a test turns caching on.
PAGE_CACHE_SECONDS = 0
POPULAR_REFRESH_SECONDS = 0
# A Redis database the suite may empty at will (tests that need it skip without it).
TEST_REDIS_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")  # noqa: F405
