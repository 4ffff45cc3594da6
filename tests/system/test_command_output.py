"""What commands and servers print, run as a newcomer runs them: the result on standard
output, nothing else; logs on standard error, without django-axes' start-up banner."""

import os
import subprocess
import sys
import urllib.request

import pytest
from django.conf import settings

from articles.models import base_slug
from tests.seeds.test_seedformat import TAGS_APART
from tests.system.test_faults import SITE_PORTS, free_port, wait_for


def project_env(**overrides):
    """`DEBUG=1`, as `make run` sets it, logging at INFO, with nothing the test run set."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL", "LOG_LEVEL"))
    }
    environment.update(
        DEBUG="1", LOG_LEVEL="INFO", DJANGO_SETTINGS_MODULE="newsroom.settings", **overrides
    )
    return environment


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result


@pytest.fixture(scope="module")
def written_otherwise(tmp_path_factory):
    """A seed file in a layout of its own: blank lines between its tags, CRLF line
    endings, a final newline."""
    path = tmp_path_factory.mktemp("seeds") / "tags-apart.txt"
    path.write_bytes((TAGS_APART + "\n").replace("\n", "\r\n").encode("utf-8"))
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory, written_otherwise):
    """A database of its own, migrated and loaded by the commands themselves."""
    env = project_env(DATABASE_URL=f"sqlite:///{tmp_path_factory.mktemp('site') / 'site.sqlite3'}")
    return env, [
        manage(env, "migrate", "--noinput"),
        manage(env, "loadseeds"),
        manage(env, "loadseeds", str(written_otherwise)),
    ]


def test_commands_print_their_result_and_no_log_line(site):
    _, results = site
    migrate, *loadseeds = results
    assert migrate.stdout.startswith(b"Operations to perform:")
    for loaded in loadseeds:
        assert loaded.stdout.decode().endswith(" — dibuat\n1 berkas dimuat.\n")
    for result in results:
        assert b" INFO " not in result.stdout
        assert b"AXES" not in result.stdout + result.stderr


def test_exportseed_prints_the_document_byte_for_byte_and_nothing_else(
    site, seed_dir, written_otherwise
):
    env, _ = site
    for path in [*sorted(seed_dir.glob("*.txt")), written_otherwise]:
        document = path.read_bytes()
        slug = base_slug(document.decode("utf-8-sig").split("\n", 1)[0])
        result = manage(env, "exportseed", slug)
        assert result.stdout == document
        assert result.stderr == b""


def test_gunicorn_as_documented_logs_each_request_on_standard_error(site, tmp_path):
    env, _ = site
    port = free_port(SITE_PORTS)
    out, err = tmp_path / "out", tmp_path / "err"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi",
             "--config", "python:newsroom.gunicorn_config",
             "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=settings.BASE_DIR, env=env, stdout=stdout, stderr=stderr,
        )  # fmt: skip
    try:
        wait_for(lambda: b"Booting worker" in err.read_bytes(), "gunicorn")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=10) as response:
            assert response.read() == b"ok"
        wait_for(lambda: b'"GET /livez HTTP/1.1" 200' in err.read_bytes(), "the request's log line")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert out.read_bytes() == b""
    assert b"AXES" not in err.read_bytes()
