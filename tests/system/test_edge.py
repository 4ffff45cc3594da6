"""The edge cache for real: Varnish running the project's VCL in front of the live server."""

import http.server
import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.delivery import edge
from articles.editorial import workflow
from articles.models import Article, DailyViews
from tests.edge import PURGE_SECRET, READER_ADDRESS, Varnish, requires_varnish
from tests.factories import make_article, make_section, make_staff

# Serialized: the roles and the default site the migrations make come back after a flush.
pytestmark = [requires_varnish, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
Status = Article.Status
READER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


@pytest.fixture
def varnish(live_server, settings):
    """Varnish in front of the live server, and the app told to purge it."""
    proxy = Varnish(urlparse(live_server.url).port).start()
    settings.EDGE_PURGE_URLS = [proxy.url]
    settings.EDGE_PURGE_SECRET = PURGE_SECRET
    settings.EDGE_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_SECONDS = 0  # the edge alone keeps pages, so what it serves is its own
    yield proxy
    proxy.cleanup()


def get(varnish, path, **options):
    return varnish.get(path, headers=READER | options.pop("headers", {}), **options)


def until(check, seconds):
    """Seconds it took `check()` to hold, polling, or None past `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started <= seconds:
        if check():
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def test_a_page_comes_from_varnish_the_second_time(varnish):
    story = make_article(headline="Banjir di Garut")
    status, first, _ = get(varnish, story.get_absolute_url())
    assert status == 200 and first["x-cache"] == "MISS"
    status, second, body = get(varnish, story.get_absolute_url())
    assert status == 200 and second["x-cache"] == "HIT" and "age" in second
    assert "Banjir di Garut" in body
    assert "xkey" not in second and "set-cookie" not in second
    assert f"story-{story.pk}" in second["surrogate-key"]
    assert second["cache-control"] == "public, max-age=0, s-maxage=3600"


def test_purging_a_storys_tag_refreshes_its_page_and_its_lists_only(varnish):
    jabar, olahraga = make_section(name="Jabar", slug="jabar"), make_section(name="Olahraga")
    old = make_article(headline="Jembatan Lama Diperbaiki", section=jabar,
                       published_at=timezone.now() - timedelta(days=2))  # fmt: skip
    for minutes in range(12):  # newer, more read stories fill Terkini and Terpopuler
        newer = make_article(
            section=olahraga, published_at=timezone.now() - timedelta(minutes=minutes)
        )
        DailyViews.objects.create(article=newer, day=timezone.localdate(), views=100)
    pages = [old.get_absolute_url(), "/kanal/jabar/", olahraga.get_absolute_url()]
    for path in pages:
        assert get(varnish, path)[1]["x-cache"] == "MISS"
        assert get(varnish, path)[1]["x-cache"] == "HIT"
    edge.send_purge([f"story-{old.pk}"])
    cache_states = {path: get(varnish, path)[1]["x-cache"] for path in pages}
    assert cache_states == {
        old.get_absolute_url(): "MISS",
        "/kanal/jabar/": "MISS",  # lists it
        olahraga.get_absolute_url(): "HIT",  # does not
    }


def test_publish_and_withdraw_reach_readers_through_the_edge_within_a_second(varnish):
    editor = make_staff("Editor", "editor")
    story = make_article(headline="Gempa Guncang Garut Selatan", status=Status.IN_REVIEW,
                         published_at=None)  # fmt: skip
    get(varnish, "/")
    assert get(varnish, "/")[1]["x-cache"] == "HIT"
    workflow.perform(story, "publish", user=editor)
    assert until(lambda: "Gempa Guncang Garut Selatan" in get(varnish, "/")[2], 1) is not None
    assert get(varnish, story.get_absolute_url())[0] == 200
    assert get(varnish, story.get_absolute_url())[1]["x-cache"] == "HIT"
    workflow.perform(story, "unpublish", user=editor)
    assert until(lambda: get(varnish, story.get_absolute_url())[0] == 404, 1) is not None
    assert "Gempa Guncang Garut Selatan" not in get(varnish, "/")[2]


def test_a_scheduled_story_appears_through_the_edge_within_a_second_of_its_time(varnish):
    goes_live = timezone.now() + timedelta(seconds=3)
    make_article(headline="Sudah Terbit")
    make_article(headline="Pasar Murah Dibuka Besok", published_at=goes_live)
    status, headers, body = get(varnish, "/")
    assert status == 200 and "Pasar Murah" not in body
    assert int(headers["cache-control"].rsplit("s-maxage=", 1)[1]) <= 3  # bounded by its time
    assert get(varnish, "/")[1]["x-cache"] == "HIT"
    time.sleep(max(0.0, (goes_live - timezone.now()).total_seconds()))
    assert until(lambda: "Pasar Murah Dibuka Besok" in get(varnish, "/")[2], 1) is not None


def test_with_varnish_stopped_a_publish_succeeds_and_its_purge_is_retried(varnish, database_queue):
    editor = make_staff("Editor", "editor")
    story = make_article(headline="Banjir Rob", status=Status.IN_REVIEW, published_at=None)
    varnish.stop()
    started = time.monotonic()
    workflow.perform(story, "publish", user=editor)
    assert time.monotonic() - started < 1  # the edge is not waited for
    story.refresh_from_db()
    assert story.is_published
    (queued,) = DBTaskResult.objects.all()
    assert queued.args_kwargs["args"] == [[f"site-{story.site_id}"]]

    call_command("db_worker", "--queue-name", "edge", "--batch", "--no-startup-delay",
                 "--no-reload", verbosity=0)  # fmt: skip
    retry = DBTaskResult.objects.exclude(pk=queued.pk).get()
    assert retry.args_kwargs["args"] == [[f"site-{story.site_id}"], 2]
    assert retry.run_after > timezone.now()  # later, not at once

    varnish.start()
    time.sleep(max(0.0, (retry.run_after - timezone.now()).total_seconds()) + 0.1)
    call_command("db_worker", "--queue-name", "edge", "--batch", "--no-startup-delay",
                 "--no-reload", verbosity=0)  # fmt: skip
    retry.refresh_from_db()
    assert retry.status == "SUCCESSFUL" and retry.return_value == "purged"


def test_no_page_of_a_signed_in_editor_is_ever_kept_or_served_by_the_edge(varnish):
    make_staff("Editor", "editor", password="kata-sandi-uji-2026")
    make_article(headline="Berita untuk Semua")
    status, headers, body = get(varnish, "/admin/login/")
    assert headers["x-cache"] == "MISS"
    csrf = headers["set-cookie"].split("csrftoken=", 1)[1].split(";", 1)[0]
    token = body.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    status, headers, _ = get(
        varnish, "/admin/login/?next=/admin/", method="POST",
        body=f"csrfmiddlewaretoken={token}&username=editor&password=kata-sandi-uji-2026&next=/admin/",
        headers={"Cookie": f"csrftoken={csrf}",
                 "Content-Type": "application/x-www-form-urlencoded",
                 "Referer": f"{varnish.url}admin/login/"},
    )  # fmt: skip
    assert status == 302, headers
    session = headers["set-cookie"].split("sessionid=", 1)[1].split(";", 1)[0]
    signed_in = {"Cookie": f"csrftoken={csrf}; sessionid={session}"}
    for path in ["/", "/admin/", "/"]:
        status, headers, _ = get(varnish, path, headers=signed_in)
        assert status == 200 and headers["x-cache"] == "MISS"
        assert int(headers.get("age", "0")) == 0
    # The editor's visits left nothing behind: a reader's first request is a miss too,
    # and the page a reader gets carries no cookie.
    status, headers, _ = get(varnish, "/")
    assert headers["x-cache"] == "MISS" and "set-cookie" not in headers
    assert get(varnish, "/")[1]["x-cache"] == "HIT"


def test_readers_the_edge_serves_are_counted_by_their_browsers_beacon(varnish):
    story = make_article(headline="Banjir di Garut")
    url = story.get_absolute_url()
    status, headers, body = get(varnish, url, headers={"User-Agent": "Mozilla/5.0 Pembaca-A"})
    assert headers["x-cache"] == "MISS"  # rendered: counted there
    beacon = f"/baca/{story.pk}/"
    assert f'data-view-url="{beacon}"' in body
    status, headers, _ = get(varnish, url, headers={"User-Agent": "Mozilla/5.0 Pembaca-B"})
    assert headers["x-cache"] == "HIT"  # never reached the app
    for reader in ("Pembaca-A", "Pembaca-B"):  # each browser's beacon
        status, headers, _ = get(varnish, beacon, method="POST",
                                 headers={"User-Agent": f"Mozilla/5.0 {reader}"})  # fmt: skip
        assert status == 204 and headers["x-cache"] == "MISS"
    get(varnish, beacon, method="POST", headers={"User-Agent": "Googlebot/2.1"})
    assert DailyViews.objects.get(article=story).views == 2  # A once, B once, no bot


def test_the_scheme_of_a_kept_page_is_the_edges_never_a_readers(varnish, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # as behind TLS
    story = make_article(headline="Banjir di Garut")
    url, http, https = story.get_absolute_url(), "http://testserver", "https://testserver"
    claims_https = {"X-Forwarded-Proto": "https"}
    # A reader on the internet claims HTTPS: the edge says plain HTTP, as it is.
    _, headers, body = get(varnish, url, headers=claims_https, client=READER_ADDRESS)
    assert headers["x-cache"] == "MISS" and http in body and https not in body
    # Readers through the TLS terminator (loopback) get a page of their own, all HTTPS...
    _, headers, body = get(varnish, url, headers=claims_https)
    assert headers["x-cache"] == "MISS" and https in body and http not in body
    assert get(varnish, url, headers=claims_https)[1]["x-cache"] == "HIT"
    # ...and plain-HTTP readers keep theirs.
    _, headers, body = get(varnish, url)
    assert headers["x-cache"] == "HIT" and https not in body


def test_a_readers_accept_language_makes_no_copy_of_a_page(varnish):
    story = make_article(headline="Banjir di Garut")
    for number in range(3):
        _, headers, _ = get(varnish, story.get_absolute_url(),
                            headers={"Accept-Language": f"x-{number},en;q=0.{number}"})  # fmt: skip
        assert headers["x-cache"] == ("MISS" if number == 0 else "HIT")
        assert "accept-language" not in headers.get("vary", "").lower()


def test_a_page_from_the_apps_page_cache_says_how_long_the_edge_may_keep_it(varnish, settings):
    settings.PAGE_CACHE_SECONDS = 60
    story = make_article(headline="Banjir di Garut")
    url = story.get_absolute_url()
    assert get(varnish, url)[1]["x-page-cache"] == "miss"
    edge.send_purge([f"story-{story.pk}"])  # the edge's copy only: the app keeps its own
    status, headers, _ = get(varnish, url)
    assert status == 200 and headers["x-cache"] == "MISS" and headers["x-page-cache"] == "hit"
    assert headers["cache-control"] == "public, max-age=0, s-maxage=3600"
    assert get(varnish, url)[1]["x-cache"] == "HIT"


def test_search_results_are_never_kept_by_the_edge(varnish):
    make_article(headline="Banjir di Garut")
    for _ in range(2):
        status, headers, body = get(varnish, "/cari/?q=banjir")
        assert status == 200 and "Banjir di Garut" in body
        assert headers["x-cache"] == "MISS" and headers["cache-control"] == "private"


def test_a_purge_needs_the_secret_and_an_allowed_address(varnish):
    story = make_article(headline="Banjir di Garut")

    def purge(secret=None, client=None):
        headers = {"xkey-purge": f"story-{story.pk}"} | ({"Purge-Secret": secret} if secret else {})
        return varnish.get("/", method="PURGE", client=client, headers=headers)[0]

    assert purge() == 403
    assert purge("not-the-secret-but-as-long-as-it-0123") == 403
    assert purge(PURGE_SECRET, client=READER_ADDRESS) == 403  # the secret leaked is not enough
    assert purge(PURGE_SECRET) == 200


def test_during_a_rotation_the_edge_takes_the_old_and_the_new_secret(live_server, settings):
    old, new = "old-purge-secret-0123456789abcdef0123", "new-purge-secret-0123456789abcdef0123"
    proxy = Varnish(urlparse(live_server.url).port, purge_secrets=(old, new)).start()
    settings.EDGE_PURGE_URLS = [proxy.url]
    try:
        for secret in (old, new):
            settings.EDGE_PURGE_SECRET = secret
            edge.send_purge(["site-1"])  # raises EdgeUnavailable on a 403
        settings.EDGE_PURGE_SECRET = "a-third-secret-0123456789abcdef012345"
        with pytest.raises(edge.EdgeUnavailable, match="403"):
            edge.send_purge(["site-1"])
    finally:
        proxy.cleanup()


class StubApp(http.server.BaseHTTPRequestHandler):
    """An app server answering every path with the headers its test sets, and with the
    request headers it got as its body."""

    answers = {}

    def do_GET(self):
        body = json.dumps(dict(self.headers.items())).encode()
        self.send_response(200)
        for name, value in self.answers.get(self.path, {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def stub_edge():
    """Varnish in front of `StubApp`: the VCL's own rules, whatever the app answers."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StubApp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    proxy = Varnish(server.server_address[1]).start()
    yield proxy
    proxy.cleanup()
    server.shutdown()


def test_the_edge_varies_kept_pages_on_accept_encoding_alone(stub_edge):
    StubApp.answers["/vary"] = {"Cache-Control": "public, s-maxage=60",
                                "Vary": "Accept-Language, User-Agent, Accept-Encoding"}  # fmt: skip
    for number in range(3):
        _, headers, body = stub_edge.get("/vary", headers={
            "Accept-Language": f"x-{number}", "User-Agent": f"Pembaca-{number}"})  # fmt: skip
        assert headers["x-cache"] == ("MISS" if number == 0 else "HIT")
        assert headers["vary"] == "Accept-Encoding"
        assert "Accept-Language" not in json.loads(body)  # the app never sees it either


def test_the_edge_keeps_nothing_that_does_not_say_it_may(stub_edge):
    StubApp.answers["/redirect"] = {}
    assert [stub_edge.get("/redirect")[1]["x-cache"] for _ in range(2)] == ["MISS", "MISS"]


def test_the_edge_keeps_one_copy_per_site_whatever_the_spelling_of_its_host(stub_edge):
    StubApp.answers["/host"] = {"Cache-Control": "public, s-maxage=60"}
    states = []
    for host in ("localhost", "LocalHost:8080", "localhost.", "localhost.:80"):
        _, headers, body = stub_edge.get("/host", host=host)
        states.append(headers["x-cache"])
        assert json.loads(body)["Host"] == "localhost"
    assert states == ["MISS", "HIT", "HIT", "HIT"]


def test_the_app_gets_the_readers_address_not_the_terminators(stub_edge):
    StubApp.answers["/address"] = {}

    def forwarded_for(**options):
        return json.loads(stub_edge.get("/address", **options)[2])["X-Forwarded-For"]

    # Through the TLS terminator, which appended the reader's address...
    assert forwarded_for(headers={"X-Forwarded-For": "198.51.100.9"}) == "198.51.100.9"
    # ...or straight from the internet, inventing one: the last entry is the real one.
    invented = forwarded_for(headers={"X-Forwarded-For": "10.0.0.1"}, client=READER_ADDRESS)
    assert invented.rsplit(",", 1)[-1].strip() == READER_ADDRESS


def worker_environment(varnish):
    """The test's database, and the edge, for a `db_worker` of its own."""
    database = connection.settings_dict
    url = (
        f"sqlite:///{database['NAME']}"
        if connection.vendor == "sqlite"
        else f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": url,
            "TASK_BACKEND": "database", "EDGE_PURGE_URLS": varnish.url,
            "EDGE_PURGE_SECRET": PURGE_SECRET, "LOG_LEVEL": "WARNING"}  # fmt: skip


@pytest.fixture
def worker(varnish, database_queue, tmp_path):
    """The edge queue's `manage.py db_worker` in a process of its own, as in production."""
    log = tmp_path / "worker.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
             "--queue-name", "edge", "--interval", "0.2"],
            cwd=django_settings.BASE_DIR, env=worker_environment(varnish),
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    yield log
    process.terminate()
    process.wait(timeout=10)


def test_a_story_scheduled_ahead_is_at_the_edge_right_after_its_time(varnish, worker):
    editor = make_staff("Editor", "editor")
    make_article(headline="Sudah Terbit")
    story = make_article(headline="Pasar Murah Dibuka", status=Status.IN_REVIEW,
                         published_at=None)  # fmt: skip
    get(varnish, "/")
    assert get(varnish, "/")[1]["x-cache"] == "HIT"  # kept for an hour: nothing scheduled
    goes_live = timezone.now() + timedelta(seconds=5)
    workflow.perform(story, "schedule", user=editor, publish_at=goes_live)
    # Purged at once (so that it is kept no later than that time) and again then.
    assert DBTaskResult.objects.filter(run_after=goes_live).count() == 1
    assert until(lambda: get(varnish, "/")[1]["x-cache"] == "MISS", 3) is not None, (
        worker.read_text()
    )
    assert "Pasar Murah Dibuka" not in get(varnish, "/")[2]
    time.sleep(max(0.0, (goes_live - timezone.now()).total_seconds()))
    assert until(lambda: "Pasar Murah Dibuka" in get(varnish, "/")[2], 2) is not None, (
        worker.read_text()
    )
