"""View counts stay exact under concurrency, with and without Redis, and cannot be inflated."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from threading import Barrier

import pytest
from django.db import DatabaseError, connection, connections
from django.test import RequestFactory

from articles import popularity
from articles.models import DailyViews
from articles.popularity import count_view, flush_views, record_view, redis_client
from tests.factories import make_article

THREADS = 8
VIEWS_PER_THREAD = 50
READER_AGENT = "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile Safari/537.36"


@pytest.fixture
def buffered(redis_cache):
    """Redis counts views; the next automatic flush is an hour away."""
    redis_client().set(popularity.redis_key(popularity.FLUSH_DUE), 1, ex=3600)


def views_of(article):
    return sum(DailyViews.objects.filter(article=article).values_list("views", flat=True))


def reader_request(address="10.0.0.1", agent=READER_AGENT):
    request = RequestFactory().get("/berita/x/", REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    request.user = None
    return request


@pytest.mark.django_db(transaction=True)
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
        patched.setattr(popularity, "add_views", database_down)
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
def test_behind_a_proxy_readers_are_told_apart_by_the_address_it_appends(settings):
    settings.BEHIND_HTTPS_PROXY = True
    article = make_article()
    for forwarded in ["203.0.113.5", "10.9.9.9, 203.0.113.5", "203.0.113.6"]:
        request = RequestFactory().get(
            "/",
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
            HTTP_USER_AGENT=READER_AGENT,
        )
        count_view(request, article.pk)  # an address the client invented does not count
    assert views_of(article) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "agent",
    ["", "Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0", "python-requests/2.32"],
)
def test_bots_and_scripts_are_not_counted(agent):
    article = make_article()
    count_view(reader_request(agent=agent), article.pk)
    assert views_of(article) == 0
