"""The kanal in the site navigation and the kanal blocks of the home page."""

from collections import defaultdict
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Q

from .caching import purge_public_pages
from .models import Article, Section

NAVIGATION_CACHE_KEY = "navigation-sections"
# Every page shows the navigation, and kanal pages take their kanal from it; editors
# rarely change the list, and a change in the admin drops it (`kanal_changed`).
NAVIGATION_CACHE_SECONDS = 300
STORIES_PER_BLOCK = 4


def navigation_sections(request=None):
    """Sections in navigation order, from the cache or in one query; once per request."""
    if request is not None and hasattr(request, "navigation_sections"):
        return request.navigation_sections
    sections = cache.get_or_set(
        NAVIGATION_CACHE_KEY,
        lambda: list(Section.objects.only("name", "slug", "position", "description")),
        NAVIGATION_CACHE_SECONDS,
    )
    if request is not None:
        request.navigation_sections = sections
    return sections


def kanal_changed():
    """A kanal was added, renamed, moved or deleted: every page shows it once this commits."""

    def forget():
        cache.delete(NAVIGATION_CACHE_KEY)
        purge_public_pages()

    transaction.on_commit(forget)


def section_blocks(sections, per_section=STORIES_PER_BLOCK):
    """[(section, its latest stories)] for `sections` in their order, in one query.

    Called only when the home page's shared kanal blocks are rendered (once per
    purge or PAGE_CACHE_SECONDS), so the choice itself is not cached.
    """
    if not sections:
        return []
    stories = Article.objects.latest_published().for_lists()
    stories_by_section = defaultdict(list)
    for story in _latest_per_section(stories, sections, per_section):
        stories_by_section[story.section_id].append(story)
    return [
        (section, stories_by_section[section.pk])
        for section in sections
        if stories_by_section[section.pk]
    ]


def _latest_per_section(stories, sections, per_section):
    """The newest `per_section` of `stories` in each section, in one query that walks
    each section's index for a few rows.

    PostgreSQL runs a UNION ALL of LIMITed queries: about 12 ms at 100,000 stories,
    where numbering every published story by section took 200 ms. SQLite cannot
    LIMIT inside a UNION, so there each section's LIMITed query is a `pk IN (...)`
    list, OR'ed: 15 ms where the numbering took a second. (PostgreSQL would check
    every story against such lists, so it keeps the UNION.)
    """
    newest = [stories.filter(section=section)[:per_section] for section in sections]
    if connections[stories.db].features.supports_slicing_ordering_in_compound:
        combined = newest[0].union(*newest[1:], all=True)
    else:
        combined = stories.filter(reduce(or_, (Q(pk__in=query.values("pk")) for query in newest)))
    return sorted(combined, key=lambda story: (story.published_at, story.pk), reverse=True)
