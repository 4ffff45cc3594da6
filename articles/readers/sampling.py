"""One URL of each public page type, and the SQL each runs: for the benchmark and plan checks."""

import time
from datetime import timedelta
from types import SimpleNamespace

from django.conf import settings
from django.db import connection
from django.db.models import prefetch_related_objects
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ..delivery.purge import purge_public_pages
from ..models import Article, Site, page_relations
from . import search
from .lists import terkini, terpopuler
from .navigation import navigation_sections, section_blocks
from .views.lists import StoryListView

READER_AGENT = "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile Safari/537.36"
SEARCH_WORD = "banjir"


def public_pages(site=None):
    """`{page type: URL}` for the newest story of `site` (the default site) and what it
    belongs to; None where no route exists.

    Page types whose routes are not (yet) in the project map to None.
    """
    site = site or Site.objects.default()
    stories = Article.objects.latest_published(site).exclude(is_live=True)  # a plain story
    story = stories.select_related("section", "editor").first()
    if story is None:
        raise LookupError("No published story: run generate_demo first.")
    tag = story.tags.order_by("pk").first()
    routes = {
        "home": ("articles:home", [], ""),
        "article": ("articles:detail", [story.slug], ""),
        "section": (
            "articles:section",
            [story.section_here.slug] if story.section_here else None,
            "",
        ),
        "tag": ("articles:tag", [tag.slug] if tag else None, ""),
        "editor": ("articles:editor", [story.editor.slug] if story.editor else None, ""),
        "indeks": ("articles:indeks", [], ""),
        "feed": ("articles:feed", [], ""),
        "search": ("articles:search", [], f"?q={SEARCH_WORD}"),  # last: the slowest
    }
    pages = {}
    for page, (name, args, query) in routes.items():
        try:
            pages[page] = None if args is None else reverse(name, args=args) + query
        except NoReverseMatch:
            pages[page] = None
    return pages


def reader_client(site=None):
    """A test client that looks like a reader's browser on `site`'s host (the default site)."""
    site = site or Site.objects.default()
    return Client(HTTP_HOST=site.domain, HTTP_USER_AGENT=READER_AGENT)


def page_queries(url, *, client=None, cold=False):
    """The SQL one request for `url` runs when the page cache misses (see `rendered_request`)."""
    return rendered_request(url, client=client, cold=cold)[0]


def rendered_request(url, *, client=None, cold=False):
    """(SQL run, seconds taken) by one request for `url` that the page cache misses.

    Warm, as between purges: the shared sidebar, kanal blocks, story markup and
    Terpopuler ranking come from the cache, filled by an earlier request. Cold, as
    right after a purge: all of them but the ranking (which keeps its own clock) are
    made afresh. A cold request purges the shared cache's pages.
    """
    client = client or reader_client()
    separator = "&" if "?" in url else "?"
    # The production default even under DEBUG, which turns the page cache off.
    with override_settings(PAGE_CACHE_SECONDS=settings.PAGE_CACHE_SECONDS or 60):
        client.get(url)  # fills the shared caches, as earlier readers would
        if cold:
            purge_public_pages()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(f"{url}{separator}fresh={time.time_ns()}")
            elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise LookupError(f"{url} answered {response.status_code}")
    return [query["sql"] for query in captured.captured_queries], elapsed


def periodic_queries(site=None):
    """The SQL of what pages share through the cache and make again after a purge or once
    per period: the sidebar's Terkini and Terpopuler (with its ranking), the home page's
    kanal blocks, the newest story's markup (its sources, tags and Baca Juga), the
    ranking of a search for SEARCH_WORD, and the first page of the lists the story is in
    (its kanal, first tag and editor, and today's Indeks), whose cards are shared."""
    site = site or Site.objects.default()
    story = Article.objects.latest_published(site).first()
    tag = story.tags.order_by("pk").first()
    stories = Article.objects.latest_published(site).for_lists()
    today = timezone.localtime(timezone=site.zone).replace(hour=0, minute=0, second=0)
    lists = [
        stories.in_section(story.section_here) if story.section_here else None,
        stories.tagged(tag) if tag else None,
        stories.filter(editor_id=story.editor_id) if story.editor_id else None,
        stories.published_in(today, today + timedelta(days=1)),
    ]
    request = SimpleNamespace(site=site)
    with override_settings(PAGE_CACHE_SECONDS=0, POPULAR_REFRESH_SECONDS=0):
        with CaptureQueriesContext(connection) as captured:
            terkini(site), terpopuler(site), section_blocks(site, navigation_sections(request))
            prefetch_related_objects([story], *page_relations())
            list(search.ranking(stories, SEARCH_WORD))
            first_page = StoryListView.paginate_by + 1  # one more row says a next follows
            for listed in lists:
                if listed is not None:
                    list(listed[:first_page])
    return [query["sql"] for query in captured.captured_queries]
