"""Whole pages for anonymous readers, kept in the shared cache.

Only what is the same for every anonymous reader is kept: GET requests without
a session or messages cookie, outside the admin, on a host named as its site
names it, with no query parameters but those its view makes the page from (its
`page_cache_parameters`: `?page=` on a list or a story), answered 200 without
cookies and without `Cache-Control: private/no-cache/no-store`. Any other query
string (a search, a tracking tag, `?page=` where the view has no pages) is
rendered afresh and not kept: unique query strings must not fill the cache.
And since a page that does not exist is never kept, neither is an unusable
`?page=abc` or `?page=999999`. A page is keyed with its host's generation
(`purge`) and kept no longer than what it shows (`fragments.kept_seconds`,
`cache_until`). A story page served from the cache still counts the reader's view
(`readership.count_view`).
"""

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_max_age

from ..network import host_name
from .fragments import is_canonical_host, kept_seconds
from .purge import generation_key
from .readership import count_view

PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")


def page_cache_seconds(request):
    """How long this request's page may be kept: `kept_seconds`, or less when
    something on it expires sooner (0: not at all)."""
    seconds = kept_seconds(request)
    until = getattr(request, "cached_until", None)
    if until is not None:
        seconds = min(seconds, int((until - timezone.now()).total_seconds()))
    return max(seconds, 0)


def is_shared_request(request):
    """Whether the page asked for is the same for every anonymous reader, so that the
    page cache and the edge may keep it (`shared_query`)."""
    return shared_query(request) is not None


def shared_query(request):
    """The query string an anonymous reader's page is shared under, in one spelling, or
    None when the page is that reader's alone: not GET or HEAD, a session or messages
    cookie, the admin, a host not named as its site names it, or a query parameter its
    view does not make the page from (a search's results, a tracking tag).

    Worked out once per request: the edge headers and the page cache both ask."""
    if not hasattr(request, "shared_query"):
        request.shared_query = (
            _view_query(request)
            if request.method in ("GET", "HEAD")
            and not any(name in request.COOKIES for name in PRIVATE_COOKIES)
            and not request.path.startswith(f"/{settings.ADMIN_URL}")
            and is_canonical_host(request)
            else None
        )
    return request.shared_query


def page_key(request):
    """The cache key of this request's page, or None when it must not come from the cache."""
    query = shared_query(request)
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method != "GET" or query is None:
        return None
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return f"page:{hashlib.blake2b(url.encode(), digest_size=16).hexdigest()}"


def _view_query(request):
    """The parameters the request's view makes its page from (`page_cache_parameters`),
    in one spelling; None when there are others."""
    if not request.GET:
        return ""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return None
    used = getattr(getattr(view, "view_class", view), "page_cache_parameters", ())
    if not set(used).issuperset(request.GET):
        return None
    return urlencode(sorted((name, request.GET[name]) for name in request.GET))


def is_cacheable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and get_max_age(response) != 0
        and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
    )


class PublicPageCacheMiddleware:
    """Serve anonymous readers' pages from the cache: one cache round trip per hit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        generation_name = generation_key(host_name(request))
        found = cache.get_many([generation_name, key])
        generation = request.page_generation = found.get(generation_name, 0)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            _, response, story_id = entry
            if story_id is not None:
                count_view(request, story_id)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        seconds = page_cache_seconds(request)
        if is_cacheable(response) and seconds > 0:
            story_id = getattr(response, "viewed_story_id", None)
            cache.set(key, (generation, response, story_id), seconds)
            response["X-Page-Cache"] = "miss"
        return response
