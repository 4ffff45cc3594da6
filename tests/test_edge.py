"""The edge cache for real: Varnish running the project's VCL in front of the live server."""

import time
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import edge, workflow
from articles.models import Article, DailyViews
from tests.edge import Varnish, requires_varnish
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


def test_with_varnish_stopped_a_publish_succeeds_and_its_purge_is_retried(varnish, settings):
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}
    }
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
