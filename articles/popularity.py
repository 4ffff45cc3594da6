"""Reading counts and the Terkini / Terpopuler lists."""

import re

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import Article, DailyViews

# Crawlers, link previewers and scripted clients: their hits are not readers.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|embedly|preview|monitor|curl|wget|"
    r"python-requests|python-urllib|httpx|go-http-client|java/|libwww|scrapy|headlesschrome",
    re.IGNORECASE,
)


def is_countable(request):
    """Whether this request is a reader's view: not a bot, not a prefetch, not staff."""
    user_agent = request.headers.get("User-Agent", "")
    if not user_agent or BOT_USER_AGENT.search(user_agent):
        return False
    if request.method != "GET" or request.headers.get("Sec-Purpose", "").startswith("prefetch"):
        return False
    return not request.user.is_staff


def record_view(article_id, *, day=None):
    """Add one view to the story's row for `day` in a single atomic upsert.

    `INSERT ... ON CONFLICT DO UPDATE SET views = views + 1` is atomic on both
    PostgreSQL and SQLite, so concurrent readers never lose an increment.
    """
    table = connection.ops.quote_name(DailyViews._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (article_id, day, views) VALUES (%s, %s, 1) "
            f"ON CONFLICT (article_id, day) DO UPDATE SET views = {table}.views + 1",
            [article_id, day or timezone.localdate()],
        )


def terkini(limit=None):
    """The latest published stories, newest first."""
    return list(Article.objects.latest_published().for_lists()[: limit or settings.TERKINI_COUNT])


def terpopuler(limit=None):
    """The most read stories over the configured window; the latest ones before any views."""
    limit = limit or settings.TERPOPULER_COUNT
    popular = list(
        Article.objects.for_lists().popular(days=settings.POPULAR_WINDOW_DAYS, limit=limit)
    )
    return popular or terkini(limit)
