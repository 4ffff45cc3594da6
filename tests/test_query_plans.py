"""Every query of every public page can be served by an index (PostgreSQL's EXPLAIN)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import DailyViews, Section
from tests.factories import make_article, make_related_link, make_source

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans need PostgreSQL"),
]


def test_no_public_page_needs_a_sequential_scan():
    """With sequential scans discouraged, a Seq Scan left in a plan means no index fits.

    At 100,000 stories the same command runs without --prefer-indexes (README).
    """
    section = Section.objects.create(name="Priangan", slug="priangan")
    stories = [make_article(section=section, tags=["Banjir", "Garut"]) for _ in range(3)]
    stories[-1].set_sources([make_source()])
    make_related_link(stories[-1], target=stories[0])
    DailyViews.objects.create(article=stories[0], day=timezone.localdate(), views=3)
    output = StringIO()
    call_command("explain_pages", "--prefer-indexes", stdout=output)
    assert "No sequential scan" in output.getvalue()
    # Terkini, Terpopuler, kanal blocks, and a story's sources, tags and Baca Juga
    assert "shared lists (periodic): 6 SELECTs" in output.getvalue()
