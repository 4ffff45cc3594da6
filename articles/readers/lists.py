"""The Terkini and Terpopuler lists every reader page shows (the views they rank by
are counted in `delivery.readership`).
"""

from django.conf import settings
from django.core.cache import cache

from ..models import Article


def terkini(site, limit=None):
    """The latest stories published on `site`, newest first."""
    stories = Article.objects.latest_published(site).for_lists()
    return list(stories[: limit or settings.TERKINI_COUNT])


def terpopuler(site, limit=None):
    """The most read stories on `site` over the configured window; the latest ones
    before any views.

    The ranking (story ids) is recomputed at most every POPULAR_REFRESH_SECONDS and
    shared through the cache; the stories themselves are read fresh, so a withdrawn
    story leaves the list at once.
    """
    limit = limit or settings.TERPOPULER_COUNT
    key = f"terpopuler:{site.pk}:{settings.POPULAR_WINDOW_DAYS}:{limit}"
    ranking = cache.get(key)
    stories = Article.objects.published(site).for_lists()
    if ranking is None:
        popular = list(stories.popular(site, days=settings.POPULAR_WINDOW_DAYS, limit=limit))
        cache.set(key, [story.pk for story in popular], settings.POPULAR_REFRESH_SECONDS)
    else:
        popular = stories.in_order(ranking)
    return popular or terkini(site, limit)
