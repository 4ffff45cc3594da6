"""What a reader's page tells the edge: its cache tags and how long it may be kept.

Every public page names what it shows as tags (`xkey` for Varnish's xkey vmod, the
same as `Surrogate-Key` for Fastly and `Cache-Tag` for Cloudflare): its site
(`site-3`), each story it shows (`story-123`: its own page, and every list with its
card), and the subject of a list page (`kanal-7`, `tag-12`, `editor-4`, `source-2`).
Anonymous readers' pages may be kept by the edge for EDGE_CACHE_SECONDS (0: no edge),
never past the time the site's next scheduled story goes live (it joins the Terkini
every page shows), while browsers revalidate each time. Purging those tags is
`edge`'s.
"""

import math

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_cache_control

from ..network import is_public_path, site_of
from .fragments import request_next_go_live
from .pages import is_shared_request


def collected(request):
    """The tags collected so far for this request's page."""
    if not hasattr(request, "edge_tags"):
        request.edge_tags = set()
    return request.edge_tags


def add_tags(request, *tags):
    if request is not None:
        collected(request).update(tags)


class collecting:
    """`with collecting(request) as tags:` gathers the tags added inside it on their own
    (for a fragment kept apart from its page), then adds them to the page's too."""

    def __init__(self, request):
        self.request = request
        self.tags = set()

    def __enter__(self):
        self.outer = collected(self.request)
        self.request.edge_tags = self.tags
        return self.tags

    def __exit__(self, *exc):
        self.request.edge_tags = self.outer
        self.outer.update(self.tags)


def story_tags(article):
    """What a story's own page shows besides itself: its kanal, tags, editor, sources and
    the stories its Baca Juga links go to (from the prefetched relations)."""
    section = article.section_here
    return {
        f"story-{article.pk}",
        *([f"kanal-{section.pk}"] if section else []),
        *(f"tag-{tag.pk}" for tag in article.tags.all()),
        *([f"editor-{article.editor_id}"] if article.editor_id else []),
        *(f"source-{source.pk}" for source in article.sources.all()),
        *(f"story-{link.target_id}" for link in article.related_links.all() if link.target_id),
    }


class TagsMiddleware:
    """Writes the page's tags into its headers (kept with the page in the page cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        site = getattr(request, "site", None)
        if site is not None and response.status_code == 200:
            tags = sorted(collected(request) | {f"site-{site.pk}"})
            response["xkey"] = response["Surrogate-Key"] = " ".join(tags)
            response["Cache-Tag"] = ",".join(tags)  # Cloudflare's spelling
        return response


def edge_seconds(request):
    """How long the edge may keep a page of the request's site: EDGE_CACHE_SECONDS, up
    to the time the site's next scheduled story goes live (`fragments.next_go_live`)."""
    seconds = settings.EDGE_CACHE_SECONDS
    if moment := request_next_go_live(request):
        seconds = min(seconds, max(0, math.ceil((moment - timezone.now()).total_seconds())))
    return seconds


class CacheControlMiddleware:
    """Tells the edge how long it may keep an anonymous reader's page (s-maxage and
    Surrogate-Control) while browsers revalidate (max-age=0); anything else on the
    readers' side is private: a redirect (to HTTPS too), an error, a search's results.
    Outermost, so that it sees every response, the page cache's too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_public_path(request.path_info):
            return response
        shared = (
            is_shared_request(request)
            and response.status_code == 200
            and not response.cookies
            and not any(
                word in response.get("Cache-Control", "") for word in ("private", "no-store")
            )
            and site_of(request) is not None  # a 200 passed SiteMiddleware: the host is known
        )
        if not shared:
            patch_cache_control(response, private=True)
            return response
        if settings.EDGE_CACHE_SECONDS <= 0:  # no edge: nothing in between keeps it
            patch_cache_control(response, public=True, max_age=0)
            return response
        seconds = edge_seconds(request)
        patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)
        response["Surrogate-Control"] = f"max-age={seconds}"
        return response
