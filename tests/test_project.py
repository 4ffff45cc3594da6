"""The project as an operator meets it: settings from the environment, migrations."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

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


def test_development_starts_without_a_secret_key():
    result = run_with_env(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_indonesian_language_and_jakarta_time():
    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.USE_TZ) == (
        "id",
        "Asia/Jakarta",
        True,
    )


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
