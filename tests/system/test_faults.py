"""Faults in the services the site runs on, with real processes: gunicorn serving the site,
and a private Redis or PostgreSQL of its own that the test stops and starts. The machine's
shared services are never touched.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from glob import glob
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.faults

SITE_PORTS = range(8400, 8450)
REDIS_PORTS = range(6390, 6400)
POSTGRES_PORTS = range(5440, 5450)
PAGES = ["/", "/tag/ukraina/", "/editor/yurri-erfansyah/"]
# The Redis behind the cache, asked directly: the cache itself reports errors as misses.
CACHE_READ = "from django_redis import get_redis_connection; get_redis_connection().ping()"
POSTGRES_BIN = sorted(glob("/usr/lib/postgresql/*/bin"))[-1:]


def free_port(ports):
    for port in ports:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip(f"no free port in {ports}")


def wait_for(check, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not come up in {timeout}s")


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def static_root():
    """Collected static files, as production serves them (hashed names need the manifest)."""
    root = tempfile.mkdtemp(prefix="newsroom-fault-static-")
    manage(site_env(STATIC_ROOT=root), "collectstatic", "--noinput")
    yield root
    shutil.rmtree(root, ignore_errors=True)


def site_env(**overrides):
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))
    }
    environment.update(
        DEBUG="0", HTTPS="0", SECRET_KEY="fault-test-" + "k" * 40, ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="newsroom.settings", LOG_LEVEL="WARNING", **overrides,
    )  # fmt: skip
    return environment


class Gunicorn:
    """The site served by two gunicorn workers on a port of our own."""

    def __init__(self, env, log):
        self.port = free_port(SITE_PORTS)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with open(log, "wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", "2",
                 "--bind", f"127.0.0.1:{self.port}", "--timeout", "30"],
                cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_for(lambda: self._answers(), "gunicorn")

    def errors(self):
        """The end of the site's log, to explain a failure."""
        return Path(self.log).read_text(errors="replace")[-3000:]

    def _answers(self):
        try:
            return status_of(self.url + "/") == 200
        except OSError:
            return False

    def statuses(self, rounds=3):
        """Every page, `rounds` times over (so that both workers answer), by status."""
        return [status_of(self.url + page) for _ in range(rounds) for page in PAGES]

    def assert_all_pages_answer(self):
        assert self.statuses() == [200] * 3 * len(PAGES), self.errors()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def redis_server():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port(REDIS_PORTS)
    command = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
    ]

    class Redis:
        url = f"redis://127.0.0.1:{port}/0"

        def start(self):
            self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
            wait_for(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, "redis-server")

        def stop(self):
            self.process.terminate()
            self.process.wait(timeout=10)

    redis = Redis()
    redis.start()
    yield redis
    if redis.process.poll() is None:
        redis.stop()


def seeded_site(env, tmp_path):
    """The seed story (with a tag, so the tag page has something) served by gunicorn."""
    manage(env, "migrate", "--noinput")
    manage(env, "loadseeds")
    manage(
        env,
        "shell",
        "-c",
        "from articles.models import Article; Article.objects.get().tags.add('Ukraina')",
    )
    return Gunicorn(env, tmp_path / "gunicorn.log")


def test_public_pages_work_straight_from_the_database_while_redis_is_away(
    redis_server, static_root, tmp_path
):
    env = site_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        CACHE_URL=redis_server.url,
        STATIC_ROOT=static_root,
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    site = seeded_site(env, tmp_path)
    try:
        site.assert_all_pages_answer()

        redis_server.stop()
        # The site's own cache is really gone...
        unreachable = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", CACHE_READ],
            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
        )  # fmt: skip
        assert unreachable.returncode != 0 and "ConnectionError" in unreachable.stderr
        # ...and readers still get every page.
        site.assert_all_pages_answer()

        redis_server.start()
        site.assert_all_pages_answer()
    finally:
        site.stop()


@pytest.fixture
def private_postgres():
    """A PostgreSQL cluster of our own, run as the postgres user, on a port of our own."""
    if not POSTGRES_BIN or shutil.which("runuser") is None or os.geteuid() != 0:
        pytest.skip(
            "needs PostgreSQL's initdb/pg_ctl under /usr/lib/postgresql and root for runuser"
        )
    bin_dir = Path(POSTGRES_BIN[0])
    port = free_port(POSTGRES_PORTS)
    data = Path(tempfile.mkdtemp(prefix="newsroom-fault-pg-"))
    shutil.chown(data, "postgres", "postgres")

    def as_postgres(*command):
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True
        )

    as_postgres(
        str(bin_dir / "initdb"),
        "-D",
        str(data / "db"),
        "-A",
        "trust",
        "-U",
        "postgres",
        "--no-sync",
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"

    class Postgres:
        url = f"postgres://postgres@127.0.0.1:{port}/newsroom"

        def start(self):
            self.ctl("-o", options, "start")

        def stop(self):
            self.ctl("-m", "fast", "stop")

        def ctl(self, *args):
            as_postgres(
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data / "db"),
                "-l",
                str(data / "log"),
                "-w",
                *args,
            )

    postgres = Postgres()
    postgres.start()
    as_postgres(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "newsroom")
    yield postgres
    postgres.ctl("-m", "immediate", "stop")
    shutil.rmtree(data, ignore_errors=True)


def test_the_site_recovers_by_itself_when_postgresql_restarts(
    private_postgres, static_root, tmp_path
):
    """Workers keep connections open (CONN_MAX_AGE); after a restart those are dead, and the
    health check (CONN_HEALTH_CHECKS) must replace them before the request uses them."""
    env = site_env(
        DATABASE_URL=private_postgres.url,
        CONN_MAX_AGE="600",
        STATIC_ROOT=static_root,
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    site = seeded_site(env, tmp_path)
    try:
        site.assert_all_pages_answer()

        private_postgres.ctl("-m", "fast", "restart")

        site.assert_all_pages_answer()
    finally:
        site.stop()
