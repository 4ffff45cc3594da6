"""View counts stay exact when many readers hit one story at the same moment."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from threading import Barrier

import pytest
from django.db import connection, connections

from articles.models import DailyViews
from articles.popularity import record_view
from tests.factories import make_article

THREADS = 8
VIEWS_PER_THREAD = 50


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (DATABASE_URL)"
)
def test_concurrent_views_on_postgresql_are_all_counted():
    article = make_article()
    start = Barrier(THREADS)

    def reader():
        start.wait()  # every thread starts its upserts at the same moment
        try:
            for _ in range(VIEWS_PER_THREAD):
                record_view(article.pk)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(THREADS) as pool:
        for future in [pool.submit(reader) for _ in range(THREADS)]:
            future.result()
    assert DailyViews.objects.get(article=article).views == THREADS * VIEWS_PER_THREAD


@pytest.mark.django_db
def test_views_are_counted_per_day():
    article = make_article()
    record_view(article.pk, day=date(2024, 5, 1))
    record_view(article.pk, day=date(2024, 5, 1))
    record_view(article.pk, day=date(2024, 5, 2))
    assert dict(DailyViews.objects.values_list("day", "views")) == {
        date(2024, 5, 1): 2,
        date(2024, 5, 2): 1,
    }
