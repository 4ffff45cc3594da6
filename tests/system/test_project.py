"""The project as an operator meets it: settings from the environment, migrations."""

import os
import secrets
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from pathlib import Path
from threading import Barrier

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError, connection, connections
from django.test import Client
from django.urls import reverse

from newsroom import health

SETTINGS_CHECK = (
    "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
)


def run_with_env(**env):
    environment = {
        key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="newsroom.settings")
    return subprocess.run(
        [sys.executable, "-c", SETTINGS_CHECK],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_with_env(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_purge_an_edge_without_the_purge_secret():
    result = run_with_env(DEBUG="0", SECRET_KEY="x" * 50, EDGE_PURGE_URLS="http://127.0.0.1:6081/")
    assert result.returncode != 0
    assert "EDGE_PURGE_SECRET is not set" in result.stderr


def test_development_starts_without_a_secret_key():
    result = run_with_env(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "True"  # after any start-up log lines


def test_indonesian_language_and_jakarta_time():
    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.USE_TZ) == (
        "id",
        "Asia/Jakarta",
        True,
    )


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def documented_production_environment():
    """The variables .env.example documents, with real secrets as operators set them."""
    environment = {}
    for line in (Path(settings.BASE_DIR) / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            environment[name] = value
    environment["SECRET_KEY"] = secrets.token_urlsafe(50)
    environment["EDGE_PURGE_SECRET"] = secrets.token_urlsafe(32)
    return environment


def test_deploy_check_is_clean_with_the_documented_production_variables():
    environment = documented_production_environment()
    assert environment["DEBUG"] == "0" and environment["HTTPS"] == "1"
    # The Redis on this machine is a development one, without persistence: what the
    # check says of a Redis is tested in tests/test_deploy_checks.py.
    environment["CACHE_URL"] = "redis://127.0.0.1:1/1"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        # Only the documented variables: nothing the test run itself set may leak in.
        env={
            "PATH": os.environ["PATH"],
            **environment,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
def test_health_says_ok_when_database_and_cache_answer(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_probes_do_not_read_each_others_values(any_cache, monkeypatch):
    """Every probe writes before any reads back: with one shared key, all but one failed."""
    probes = 6
    all_written = Barrier(probes)

    class WritesTogether:
        def __getattr__(self, name):
            return getattr(cache, name)

        def set(self, *args, **kwargs):
            cache.set(*args, **kwargs)
            all_written.wait(timeout=5)

    monkeypatch.setattr(health, "cache", WritesTogether())

    def probe():
        try:
            return Client().get(reverse("healthz")).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(probes) as pool:
        statuses = list(pool.map(lambda _: probe(), range(probes)))
    assert statuses == [200] * probes
    assert not any("healthz" in str(key) for key in cache_keys())  # each probe's own


def cache_keys():
    return cache.keys("*") if hasattr(cache, "keys") else list(cache._cache)


@pytest.mark.django_db
def test_health_names_the_cache_when_redis_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["cache"].startswith("gagal")


@pytest.mark.django_db
def test_health_names_the_database_when_it_is_down(client, monkeypatch):
    def refused():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refused)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"database": "gagal: connection refused", "cache": "ok"}


def test_liveness_answers_without_the_database(client):
    response = client.get(reverse("livez"))  # no django_db mark: a query would fail the test
    assert response.status_code == 200 and response.content == b"ok"
