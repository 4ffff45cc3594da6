"""View counts stay exact under concurrency, with and without Redis, and cannot be inflated."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from threading import Barrier

import pytest
from django.db import DatabaseError, connection, connections
from django.test import RequestFactory
from django.urls import reverse

from articles.delivery import readership
from articles.delivery.readership import count_view, flush_views, record_view, redis_client
from articles.models import DailyViews, Site
from articles.readers.lists import terpopuler
from tests.factories import make_article

THREADS = 8
VIEWS_PER_THREAD = 50
READER_AGENT = "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile Safari/537.36"


@pytest.fixture
def buffered(redis_cache):
    """Redis counts views; the next automatic flush is an hour away."""
    redis_client().set(readership.redis_key(readership.FLUSH_DUE), 1, ex=3600)


def views_of(article):
    return sum(DailyViews.objects.filter(article=article).values_list("views", flat=True))


def reader_request(address="10.0.0.1", agent=READER_AGENT):
    request = RequestFactory().get("/berita/x/", REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    request.user = None
    return request


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (DATABASE_URL)"
)
@pytest.mark.parametrize("store", ["database", "redis"])
def test_concurrent_views_on_postgresql_are_all_counted(request, settings, store):
    """Eight threads record views at once while flushing the buffer now and then."""
    if store == "redis":
        request.getfixturevalue("redis_cache")
        settings.VIEW_FLUSH_SECONDS = 1
    article = make_article()
    start = Barrier(THREADS)

    def reader():
        start.wait()  # every thread starts at the same moment
        try:
            for number in range(VIEWS_PER_THREAD):
                record_view(article.pk)
                if number % 10 == 9:
                    flush_views()  # flushers race each other and the writers
        finally:
            connections.close_all()

    with ThreadPoolExecutor(THREADS) as pool:
        for future in [pool.submit(reader) for _ in range(THREADS)]:
            future.result()
    flush_views()
    assert views_of(article) == THREADS * VIEWS_PER_THREAD


@pytest.mark.django_db
def test_views_are_counted_per_day(any_cache):
    article = make_article()
    record_view(article.pk, day=date(2024, 5, 1))
    record_view(article.pk, day=date(2024, 5, 1))
    record_view(article.pk, day=date(2024, 5, 2))
    flush_views()
    assert dict(DailyViews.objects.values_list("day", "views")) == {
        date(2024, 5, 1): 2,
        date(2024, 5, 2): 1,
    }


@pytest.mark.django_db
def test_with_redis_views_wait_in_redis_and_are_flushed_exactly_once(buffered):
    article = make_article()
    for _ in range(5):
        record_view(article.pk)
    assert views_of(article) == 0
    assert flush_views() == 5
    assert flush_views() == 0
    assert views_of(article) == 5


@pytest.mark.django_db
def test_with_redis_the_first_view_after_the_interval_flushes_the_buffer(redis_cache, settings):
    settings.VIEW_FLUSH_SECONDS = 1
    article = make_article()
    record_view(article.pk)  # finds the flush due: flushes, and sets the next a second away
    record_view(article.pk)
    assert views_of(article) == 1
    time.sleep(1.1)
    record_view(article.pk)
    assert views_of(article) == 3


@pytest.mark.django_db
def test_a_failed_flush_keeps_its_views_for_the_next_one(buffered, monkeypatch):
    article = make_article()
    record_view(article.pk)
    record_view(article.pk)

    def database_down(counts):
        raise DatabaseError("server closed the connection unexpectedly")

    with monkeypatch.context() as patched:
        patched.setattr(readership, "add_views", database_down)
        assert flush_views() == 0
    record_view(article.pk)  # arrives while the failed batch waits
    assert flush_views() == 2  # the batch left behind
    assert flush_views() == 1  # then what came since
    assert views_of(article) == 3


@pytest.mark.django_db
def test_a_batch_written_but_not_removed_from_redis_is_not_counted_twice(buffered, monkeypatch):
    article = make_article()
    record_view(article.pk)
    client = redis_client()
    with monkeypatch.context() as patched:
        patched.setattr(type(client), "delete", lambda self, *keys: 0)  # Redis lost the DEL
        assert flush_views() == 1
    assert flush_views() == 0  # the same batch again: recognised, dropped
    assert views_of(article) == 1


@pytest.mark.django_db
def test_views_of_a_deleted_story_do_not_block_the_others(buffered):
    kept, deleted = make_article(), make_article()
    record_view(kept.pk)
    record_view(deleted.pk)
    deleted.delete()
    flush_views()
    assert views_of(kept) == 1


@pytest.mark.django_db
def test_while_redis_is_down_no_readers_view_counts(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    article = make_article()
    for _ in range(20):  # one client reloading: repeats cannot be told apart now
        count_view(reader_request(), article.pk)
    assert views_of(article) == 0
    record_view(article.pk)  # a count with no reader to tell apart still goes in
    assert views_of(article) == 1


@pytest.mark.django_db
def test_one_client_counts_once_per_story_per_window(any_cache, settings):
    settings.VIEW_DEDUPE_SECONDS = 1
    article, other = make_article(), make_article()
    for _ in range(20):
        count_view(reader_request(), article.pk)  # one client hammering one story
    count_view(reader_request(), other.pk)  # the same client, another story
    count_view(reader_request(address="10.0.0.2"), article.pk)  # another address
    count_view(reader_request(agent=READER_AGENT + " Edg/130"), article.pk)  # another browser
    flush_views()
    assert (views_of(article), views_of(other)) == (3, 1)
    time.sleep(1.1)
    count_view(reader_request(), article.pk)  # the window has passed
    flush_views()
    assert views_of(article) == 4


@pytest.mark.django_db
def test_behind_our_proxy_readers_are_told_apart_by_the_address_it_appends():
    article = make_article()
    for forwarded in ["203.0.113.5", "10.9.9.9, 203.0.113.5", "203.0.113.6"]:
        request = RequestFactory().get(
            "/",
            REMOTE_ADDR="127.0.0.1",  # the edge on this machine (TRUSTED_PROXIES)
            HTTP_X_FORWARDED_FOR=forwarded,
            HTTP_USER_AGENT=READER_AGENT,
        )
        count_view(request, article.pk)  # an address the client invented does not count
    assert views_of(article) == 2


def rotating_agents(count):
    """What a script sends to pass for many browsers."""
    return [f"{READER_AGENT} Build/{number}" for number in range(count)]


@pytest.mark.django_db
def test_one_address_counts_a_few_views_of_a_story_whatever_browsers_it_names(any_cache, settings):
    settings.VIEW_DEDUPE_SECONDS = 1
    article, other = make_article(), make_article()
    for agent in rotating_agents(50):
        count_view(reader_request(agent=agent), article.pk)
    count_view(reader_request(), other.pk)  # the same address, another story
    count_view(reader_request(address="10.0.0.2"), article.pk)  # another address
    flush_views()
    assert (views_of(article), views_of(other)) == (settings.VIEW_LIMIT_PER_STORY + 1, 1)
    time.sleep(1.1)
    for agent in rotating_agents(50):
        count_view(reader_request(agent=agent + " again"), article.pk)  # the next window
    flush_views()
    assert views_of(article) == 2 * settings.VIEW_LIMIT_PER_STORY + 1


@pytest.mark.django_db
def test_one_address_counts_at_most_its_views_per_hour_in_all(any_cache, settings):
    settings.VIEW_LIMIT_PER_HOUR = 7
    stories = [make_article() for _ in range(5)]
    for story in stories:
        for agent in rotating_agents(3):
            count_view(reader_request(agent=agent), story.pk)
    count_view(reader_request(address="10.0.0.2"), stories[-1].pk)  # another address
    flush_views()
    assert [views_of(story) for story in stories] == [3, 3, 1, 0, 1]


@pytest.mark.django_db
def test_the_addresses_of_one_ipv6_subscriber_are_one_address(any_cache, settings):
    article = make_article()
    for number in range(20):
        count_view(reader_request(address=f"2001:db8:1:2::{number:x}"), article.pk)
    count_view(reader_request(address="2001:db8:1:3::1"), article.pk)  # another subscriber
    flush_views()
    assert views_of(article) == settings.VIEW_LIMIT_PER_STORY + 1


@pytest.mark.django_db
def test_beacons_from_one_machine_cannot_put_a_story_on_terpopuler(client, any_cache, settings):
    """The reported attack: thousands of beacons in seconds, each naming another browser."""
    read, rigged = make_article(headline="Dibaca banyak orang"), make_article(headline="Dicurangi")
    for number in range(10):
        count_view(reader_request(address=f"10.2.0.{number}"), read.pk)  # ten real readers
    beacon = reverse("articles:view_beacon", args=[rigged.pk])
    for agent in rotating_agents(300):
        assert (
            client.post(beacon, REMOTE_ADDR="198.51.100.9", HTTP_USER_AGENT=agent).status_code
            == 204
        )
    flush_views()
    assert views_of(rigged) == settings.VIEW_LIMIT_PER_STORY
    assert [story.headline for story in terpopuler(Site.objects.default())][0] == read.headline


@pytest.mark.django_db
def test_what_counting_keeps_in_redis_is_bounded_and_expires(client, buffered, settings):
    article = make_article()
    beacon = reverse("articles:view_beacon", args=[article.pk])
    for agent in rotating_agents(300):
        client.post(beacon, REMOTE_ADDR="198.51.100.9", HTTP_USER_AGENT=agent)
    redis = redis_client()
    kept = {
        key.decode(): redis.ttl(key) for key in redis.scan_iter(match=readership.redis_key("*"))
    }
    lasting = {readership.redis_key(name) for name in (readership.PENDING, readership.FLUSH_DUE)}
    # The counted views' "seen" keys, and the address's two counters.
    assert len(set(kept) - lasting) == settings.VIEW_LIMIT_PER_STORY + 2
    assert all(0 < ttl <= 3600 for key, ttl in kept.items() if key not in lasting), kept
    assert redis.hlen(readership.redis_key(readership.PENDING)) == 1  # one story, one day


@pytest.mark.django_db
@pytest.mark.parametrize(
    "agent",
    ["", "Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0", "python-requests/2.32"],
)
def test_bots_and_scripts_are_not_counted(agent):
    article = make_article()
    count_view(reader_request(agent=agent), article.pk)
    assert views_of(article) == 0
