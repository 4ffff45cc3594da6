"""The shipped VCL in front of the app as production runs it: gunicorn with DEBUG=0,
HTTPS=1 and BEHIND_HTTPS_PROXY=1, the readers' HTTPS ended by a TLS terminator on the
edge host (loopback, in the VCL's tls_terminators)."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

import pytest
from django.conf import settings

from tests.edge import PURGE_SECRET, READER_ADDRESS, Varnish, free_port, requires_varnish

pytestmark = requires_varnish
THROUGH_TLS = {"X-Forwarded-Proto": "https"}  # what the terminator sets


def production_env(root, **settings):
    """Production's environment, and nothing the test run set (only PATH is kept)."""
    return {
        "PATH": os.environ["PATH"], "DEBUG": "0", "HTTPS": "1", "BEHIND_HTTPS_PROXY": "1",
        "SECRET_KEY": "edge-production-" + "k" * 40, "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "LOG_LEVEL": "WARNING", "DATABASE_URL": f"sqlite:///{root}/site.sqlite3",
        "STATIC_ROOT": f"{root}/static", "MEDIA_ROOT": f"{root}/media",
        "EDGE_CACHE_SECONDS": "3600", **settings,
    }  # fmt: skip


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                   check=True, capture_output=True)  # fmt: skip


@pytest.fixture(scope="module")
def production_edge():
    """The seed story served by gunicorn as in production, behind the shipped VCL."""
    root = tempfile.mkdtemp(prefix="newsroom-edge-production-")
    app_port = free_port()
    varnish = Varnish(app_port)
    env = production_env(root, EDGE_PURGE_URLS=varnish.url, EDGE_PURGE_SECRET=PURGE_SECRET)
    manage(env, "migrate", "--noinput")
    manage(env, "loadseeds")
    manage(env, "collectstatic", "--noinput")
    with open(f"{root}/gunicorn.log", "wb") as log:
        app = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", "2",
             "--bind", f"127.0.0.1:{app_port}"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    varnish.start()
    varnish.started = time.monotonic()
    yield varnish
    varnish.cleanup()
    app.terminate()
    app.wait(timeout=30)
    shutil.rmtree(root, ignore_errors=True)


def probe_state(varnish):
    """The app server as Varnish's probe finds it: (good probes of the window, health)."""
    (line,) = [line for line in varnish.admin("backend.list").splitlines() if ".app1 " in line]
    return tuple(line.split()[2:4])


def test_the_probe_finds_the_app_healthy_and_readers_get_their_pages(production_edge):
    # The window's three probes (every 2 s) have all been asked, none assumed (.initial).
    time.sleep(max(0.0, production_edge.started + 6.5 - time.monotonic()))
    assert probe_state(production_edge) == ("3/3", "healthy")
    for path in ("/", "/livez"):
        assert production_edge.get(path, headers=THROUGH_TLS)[0] == 200
    status, headers, body = production_edge.get("/", headers=THROUGH_TLS)
    assert status == 200 and headers["x-cache"] == "HIT"
    assert "https://localhost/" in body and "http://localhost" not in body


def test_plain_http_is_redirected_and_the_redirect_reaches_no_https_reader(production_edge):
    for _ in range(2):  # a reader on the internet, whatever scheme it claims
        status, headers, _ = production_edge.get("/", headers=THROUGH_TLS, client=READER_ADDRESS)
        assert status == 301 and headers["location"] == "https://localhost/"
        assert headers["cache-control"] == "private" and headers["x-cache"] == "MISS"
    status, headers, _ = production_edge.get("/", headers=THROUGH_TLS)
    assert status == 200
