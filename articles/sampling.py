"""One URL of each public page type, and the SQL each runs: for the benchmark and plan checks."""

import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from .models import Article

READER_AGENT = "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile Safari/537.36"
SEARCH_WORD = "banjir"


def public_pages():
    """`{page type: URL}` for the newest story and what it belongs to; None where no route exists.

    Page types whose routes are not (yet) in the project map to None.
    """
    story = Article.objects.latest_published().select_related("section", "editor").first()
    if story is None:
        raise LookupError("No published story: run generate_demo first.")
    tag = story.tags.order_by("pk").first()
    routes = {
        "home": ("articles:home", [], ""),
        "article": ("articles:detail", [story.slug], ""),
        "section": ("articles:section", [story.section.slug] if story.section else None, ""),
        "tag": ("articles:tag", [tag.slug] if tag else None, ""),
        "editor": ("articles:editor", [story.editor.slug] if story.editor else None, ""),
        "indeks": ("articles:indeks", [], ""),
        "search": ("articles:search", [], f"?q={SEARCH_WORD}"),
        "feed": ("articles:feed", [], ""),
    }
    pages = {}
    for page, (name, args, query) in routes.items():
        try:
            pages[page] = None if args is None else reverse(name, args=args) + query
        except NoReverseMatch:
            pages[page] = None
    return pages


def reader_client():
    """A test client that looks like a reader's browser on a host this site answers to."""
    hosts = [host for host in settings.ALLOWED_HOSTS if host != "*" and not host.startswith(".")]
    return Client(HTTP_HOST=hosts[0] if hosts else "localhost", HTTP_USER_AGENT=READER_AGENT)


def page_queries(url, *, client=None, shared_fragments=False):
    """The SQL one request for `url` runs when the page is rendered, with a warm ranking.

    With `shared_fragments` the cached sidebar is used, as by a page-cache miss in
    production; without, everything the page shows is read (to EXPLAIN it all).
    """
    client = client or reader_client()
    seconds = settings.PAGE_CACHE_SECONDS if shared_fragments else 0
    separator = "&" if "?" in url else "?"
    with override_settings(PAGE_CACHE_SECONDS=seconds):
        client.get(url)  # fills the ranking (and sidebar) caches, as earlier readers would
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{url}{separator}fresh={time.time_ns()}")
    if response.status_code != 200:
        raise LookupError(f"{url} answered {response.status_code}")
    return [query["sql"] for query in captured.captured_queries]


def ranking_queries():
    """The SQL of one Terpopuler ranking, which runs once per POPULAR_REFRESH_SECONDS."""
    with CaptureQueriesContext(connection) as captured:
        list(
            Article.objects.for_lists().popular(
                days=settings.POPULAR_WINDOW_DAYS, limit=settings.TERPOPULER_COUNT
            )
        )
    return [query["sql"] for query in captured.captured_queries]
