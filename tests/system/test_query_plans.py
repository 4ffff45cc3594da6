"""Every query of every public page can be served by an index (PostgreSQL's EXPLAIN)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import Article, DailyViews
from articles.readers import search
from tests.factories import (
    bulk_create_articles,
    make_article,
    make_related_link,
    make_section,
    make_source,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans need PostgreSQL"),
]


def test_no_public_page_needs_a_sequential_scan():
    """With sequential scans discouraged, a Seq Scan left in a plan means no index fits.

    At 100,000 stories the same command runs without --prefer-indexes (README).
    """
    section = make_section(name="Priangan", slug="priangan")
    stories = [make_article(section=section, tags=["Banjir", "Garut"]) for _ in range(3)]
    stories[-1].set_sources([make_source()])
    make_related_link(stories[-1], target=stories[0])
    DailyViews.objects.create(article=stories[0], day=timezone.localdate(), views=3)
    output = StringIO()
    call_command("explain_pages", "--prefer-indexes", stdout=output)
    assert "No sequential scan" in output.getvalue()
    # Terkini, Terpopuler, kanal blocks, a story's sources, tags, Baca Juga and bylines,
    # a search, and the first page of its kanal, tag, editor and the Indeks (shared cards)
    assert "shared lists (periodic): 12 SELECTs" in output.getvalue()


def search_plan(query):
    """PostgreSQL's plan for ranking search results, as the search page asks."""
    sql, params = search.ranking(Article.objects.published(), query).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_search_walks_the_newest_stories_for_a_common_word_and_the_index_for_a_rare_one():
    """With the statistics ANALYZE keeps, the newest matches of a word found in most
    stories come from walking the stories newest first (it stops at RANK_CANDIDATES),
    those of a rare word from the GIN index over the stored vector; an exact headline
    comes through its own index: finding candidates never reads the whole table."""
    now = timezone.now()
    bulk_create_articles(
        Article(
            headline=f"Warga Garut menyambut pekan ke-{number}",
            slug=f"warga-garut-{number}",
            body="Warga kota membahas harga beras di pasar bersama para pedagang. " * 30,
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=number),
        )
        for number in range(2000)
    )
    make_article(headline="Seekor komodo terlihat di Garut")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
        # As autovacuum would: new entries wait in the GIN index's pending list until merged.
        cursor.execute("SELECT gin_clean_pending_list('article_search_document')")
        # A table this small may be read whole; the choice under test is walk or GIN.
        cursor.execute("SET LOCAL enable_seqscan = off")

    common, rare = search_plan("warga"), search_plan("komodo")
    assert "Index Scan using article_status_published" in common, common
    assert "article_search_document" not in common, common
    assert "Bitmap Index Scan on article_search_document" in rare, rare
    for plan in (common, rare):
        assert "Index Scan using article_headline_upper" in plan, plan
        assert "Seq Scan on articles_article u0" not in plan, plan  # u0, u0_1: the candidates
