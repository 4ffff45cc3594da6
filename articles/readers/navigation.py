"""The navigation: the kanal in the site navigation and the kanal blocks of the home
page, kept in the cache between purges.
"""

from collections import defaultdict
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Q

from ..delivery.fragments import prefetched
from ..delivery.purge import purge_public_pages
from ..models import Article, Site

NAVIGATION_CACHE_KEY = "navigation-sections:{site}"
# Every page shows the navigation, and kanal pages take their kanal from it; editors
# rarely change the list, and any change to it drops it (`kanal_changed`, `signals`).
NAVIGATION_CACHE_SECONDS = 300
STORIES_PER_BLOCK = 4


def navigation_sections(request):
    """The request's site's kanal in navigation order, from the cache or in one query;
    once per request. (None for a host of no site.)"""
    if hasattr(request, "navigation_sections"):
        return request.navigation_sections
    site = getattr(request, "site", None)
    if site is None:
        sections = []
    else:
        key = navigation_key(site)
        known, sections = prefetched(request, key)
        if sections is None:
            if known:  # read with the page's other shared values (one round trip): absent
                sections = _read_sections(site)
                cache.set(key, sections, NAVIGATION_CACHE_SECONDS)
            else:
                sections = cache.get_or_set(
                    key, lambda: _read_sections(site), NAVIGATION_CACHE_SECONDS
                )
    request.navigation_sections = sections
    return sections


def _read_sections(site):
    return list(site.sections.only("name", "slug", "position", "description"))


def navigation_key(site):
    return NAVIGATION_CACHE_KEY.format(site=site.pk)


def kanal_changed():
    """A kanal, or a site's kanal list, changed: every page shows it once this commits."""

    def forget():
        cache.delete_many(
            [
                NAVIGATION_CACHE_KEY.format(site=pk)
                for pk in Site.objects.values_list("pk", flat=True)
            ]
        )
        purge_public_pages()

    transaction.on_commit(forget)


def section_blocks(site, sections, per_section=STORIES_PER_BLOCK):
    """[(section, its latest stories on `site`)] for `sections` in their order, in one query.

    Called only when the home page's shared kanal blocks are rendered (once per
    purge or PAGE_CACHE_SECONDS), so the choice itself is not cached.
    """
    if not sections:
        return []
    stories = Article.objects.latest_published(site).for_lists()
    stories_by_section = defaultdict(list)
    for story in _latest_per_section(stories, sections, per_section):
        stories_by_section[story.section_here.pk].append(story)
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
    newest = [stories.in_section(section)[:per_section] for section in sections]
    if connections[stories.db].features.supports_slicing_ordering_in_compound:
        combined = newest[0].union(*newest[1:], all=True)
    else:
        combined = stories.filter(reduce(or_, (Q(pk__in=query.values("pk")) for query in newest)))
    return sorted(combined, key=lambda story: (story.published_at_here, story.pk), reverse=True)
