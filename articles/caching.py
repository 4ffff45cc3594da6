"""Whole pages for anonymous readers, kept in the shared cache.

A page is served from the cache for at most PAGE_CACHE_SECONDS, so a publish, an
edit or a withdrawal reaches readers within that delay, on every app server (the
cache is Redis in production); pages and fragments are never kept past the time the
site's next scheduled story goes live (`next_go_live`).
A purge makes a change visible at once, on the sites it touches only: each
host name keeps its own generation, part of every cached page's key. Every
write that changes what readers can see of a story calls `purge_when_public()`,
which purges the sites the story runs on (its origin and its placements);
drafts and other unseen work leave the cache alone. Names shown on every site
(kanal, tags, editors, sources) purge the whole network (`purge_public_pages()`).

Only what is the same for every anonymous reader is kept: GET requests without
a session or messages cookie, outside the admin, on a host named as its site
names it, with no query parameters but those its view makes the page from (its
`page_cache_parameters`: `?page=` on a list or a story), answered 200 without
cookies and without `Cache-Control: private/no-cache/no-store`. Any other query
string (a search, a tracking tag, `?page=` where the view has no pages) is
rendered afresh and not kept: unique query strings must not fill the cache.
And since a page that does not exist is never kept, neither is an unusable
`?page=abc` or `?page=999999`. A story page served from the cache still counts
the reader's view.
"""

import hashlib
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_max_age

from .models import Article, Placement, Site, SiteAlias
from .network import host_name
from .popularity import count_view

GENERATION = "pages:generation:{host}"
NEXT_GO_LIVE = "pages:next-go-live:{site}:{generation}"
PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
SHARED_WAIT_SECONDS = 3  # at most, for another request making the same shared value
SHARED_POLL_SECONDS = 0.02


def generation_key(host):
    return GENERATION.format(host=host)


def purge_sites(site_ids=None, *, edge_tags=None, again_at=None):
    """Drop the cached pages and shared fragments of these sites (all: None), on every
    server, at once; and at the edge, the pages tagged `edge_tags` (by default every
    page of those sites), and again at `again_at` when given."""
    from .edge import queue_purge  # the edge module builds on this one

    sites = Site.objects.all() if site_ids is None else Site.objects.filter(pk__in=site_ids)
    aliases = SiteAlias.objects.filter(site__in=sites)
    hosts = [*sites.values_list("domain", flat=True), *aliases.values_list("domain", flat=True)]
    if hosts:
        now = time.time_ns()
        cache.set_many({generation_key(host): now for host in hosts}, None)
    if edge_tags is None:
        edge_tags = [f"site-{pk}" for pk in sites.values_list("pk", flat=True)]
    queue_purge(edge_tags)
    if again_at is not None:
        queue_purge(edge_tags, at=again_at)


def purge_public_pages():
    """Drop every cached public page and fragment of the whole network."""
    purge_sites(None)


def purge_on_commit(site_ids=None, *, edge_tags=None, again_at=None):
    """Purge these sites (all: None) once the transaction commits (at once outside one):
    readers never get a page made again from data that is then rolled back."""
    transaction.on_commit(lambda: purge_sites(site_ids, edge_tags=edge_tags, again_at=again_at))


def story_site_ids(article):
    """The sites a story runs on or is placed on: those a change to it can show on."""
    ids = set(Placement.objects.filter(article=article).values_list("site_id", flat=True))
    return ids | ({article.site_id} if article.site_id else set())


def purge_when_public(article, *live, site_ids=None, content_only=False, goes_live=None):
    """Purge the story's sites (or `site_ids`) once the transaction commits, if the
    story changed was or is live. Callers pass `is_published` from before and after.

    `content_only`: the story's text changed, not where or when it is listed, so the
    edge drops just the pages that show it (its own, and the lists with its card).
    `goes_live`: the story is now scheduled for that time. Its sites are purged at once,
    so that no page is kept past that time (`next_go_live`), and again at the edge then.
    """
    if any(live) or goes_live is not None:
        purge_on_commit(
            story_site_ids(article) if site_ids is None else site_ids,
            edge_tags=[f"story-{article.pk}"] if content_only else None,
            again_at=goes_live,
        )


def host_generation(host):
    """The generation of one host name's pages: changes when its site is purged."""
    return cache.get(generation_key(host), 0)


def page_generation(request):
    """Changes on every purge of the request's site; part of every cached page's and
    fragment's key (with the site, so two sites never share a fragment).

    Read once per request: the page cache, the sidebar and other fragments share it.
    """
    if not hasattr(request, "page_generation"):
        request.page_generation = host_generation(host_name(request))
    site = getattr(request, "site", None)
    return f"{site.pk if site else 0}:{request.page_generation}"


def next_go_live(site, generation):
    """When the site's next scheduled story goes live (None: none is): the latest any
    of its pages may be kept, in the page cache or at the edge. Found once per purge of
    the site (every scheduling purges it), and again once that time has passed."""
    key = NEXT_GO_LIVE.format(site=site.pk, generation=generation)
    found = cache.get(key)
    if found is None or (found and found <= timezone.now()):
        found = (
            Placement.objects.filter(
                site=site,
                withdrawn_at=None,
                article__status=Article.Status.PUBLISHED,
                published_at__gt=timezone.now(),
            ).aggregate(first=Min("published_at"))["first"]
            or False
        )
        cache.set(key, found, max(settings.PAGE_CACHE_SECONDS, settings.EDGE_CACHE_SECONDS))
    return found or None


def request_next_go_live(request):
    """`next_go_live` of the request's site, once per request."""
    if not hasattr(request, "next_go_live"):
        generation = getattr(request, "page_generation", None)
        if generation is None:
            generation = host_generation(host_name(request))
        request.next_go_live = next_go_live(request.site, generation)
    return request.next_go_live


def kept_seconds(request):
    """How long what the request's site shows now may be kept: PAGE_CACHE_SECONDS, up to
    the time its next scheduled story goes live (0: not at all)."""
    seconds = settings.PAGE_CACHE_SECONDS
    if seconds > 0 and getattr(request, "site", None) is not None:
        if moment := request_next_go_live(request):
            seconds = min(seconds, int((moment - timezone.now()).total_seconds()))
    return max(seconds, 0)


def shared_key(request, name):
    """Where the shared value `name` of the request's site is kept. Not per generation:
    the entry carries the generation it was made in, so that the generation and every
    value a page shares are read in one round trip (`prefetch_shared`)."""
    site = getattr(request, "site", None)
    digest = hashlib.blake2b(name.encode(), digest_size=16).hexdigest()
    return f"shared:{site.pk if site else 0}:{digest}"


def prefetch_shared(request, names, *, keys=()):
    """Read the site's generation, the shared values `names` and the plain cache
    `keys` this request will want, in one cache round trip (instead of one each: on a
    rendered page those round trips were a third of its time). Later lookups of them
    in this request (`shared_between_purges`, `prefetched`) cost nothing."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return
    shared = [shared_key(request, name) for name in names]
    wanted = [*shared, *keys]
    generation_name = (
        None if hasattr(request, "page_generation") else generation_key(host_name(request))
    )
    found = cache.get_many([generation_name, *wanted] if generation_name else wanted)
    if generation_name:
        request.page_generation = found.get(generation_name, 0)
    request.prefetched_values = getattr(request, "prefetched_values", {}) | {
        key: found.get(key) for key in wanted
    }


def prefetched(request, key):
    """(True, value or None) when `prefetch_shared` read `key`, else (False, None)."""
    values = getattr(request, "prefetched_values", {})
    return (True, values.pop(key)) if key in values else (False, None)


def shared_between_purges(request, name, make):
    """What many requests share, kept like a page: dropped by every purge, and kept
    for at most PAGE_CACHE_SECONDS (made every time when that is 0, as in DEBUG).

    For what does not depend on the query string the page cache keys on: a story's
    markup (a story opened from a shared link carries `?fbclid=...`, which the page
    cache skips), or the ranked results of a search (each reader's search is
    rendered afresh, but a breaking story's readers search for the same words).
    """
    if settings.PAGE_CACHE_SECONDS <= 0 or not is_canonical_host(request):
        return make()
    key = shared_key(request, name)
    known, entry = prefetched(request, key)
    if not known:
        prefetch_shared(request, [name])
        _, entry = prefetched(request, key)
    generation = request.page_generation
    if entry is not None and entry[0] == generation:
        return entry[1]
    return _made_once(key, generation, make, kept_seconds(request))


def _made_once(key, generation, make, seconds):
    """`make()` stored under `key` with its generation, made by one request while the
    others that want it wait for it (up to SHARED_WAIT_SECONDS): after a purge, every
    worker of every server would otherwise run the same query at once, in a busy
    moment."""
    making = f"{key}:{generation}:making"
    if cache.add(making, 1, SHARED_WAIT_SECONDS):
        try:
            value = make()
            cache.set(key, (generation, value), seconds)
            return value
        finally:
            cache.delete(making)
    deadline = time.monotonic() + SHARED_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(SHARED_POLL_SECONDS)
        found = cache.get_many([key, making])
        if key in found and found[key][0] == generation:
            return found[key][1]
        if making not in found:  # the maker failed: no use waiting
            break
    return make()


def cache_until(request, moment):
    """This request's page must not be served from the cache after `moment` (a pick
    that expires then is on it)."""
    current = getattr(request, "cached_until", None)
    request.cached_until = moment if current is None else min(current, moment)


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
    page cache and the edge may keep it: GET or HEAD, without a session or messages
    cookie, outside the admin, on the host as its site names it, with no query
    parameter but those its view makes the page from (a search's results and every
    other query string are rendered for their reader alone)."""
    return (
        request.method in ("GET", "HEAD")
        and not any(name in request.COOKIES for name in PRIVATE_COOKIES)
        and not request.path.startswith(f"/{settings.ADMIN_URL}")
        and is_canonical_host(request)
        and keyed_query(request) is not None
    )


def page_key(request):
    """The cache key of this request's page, or None when it must not come from the cache."""
    if (
        settings.PAGE_CACHE_SECONDS <= 0
        or request.method != "GET"
        or not is_shared_request(request)
    ):
        return None
    query = keyed_query(request)
    if query is None:
        return None
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return f"page:{hashlib.blake2b(url.encode(), digest_size=16).hexdigest()}"


def keyed_query(request):
    """The query string the page is kept under: the parameters its view makes it from
    (`page_cache_parameters`), in one spelling; None when there are others."""
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


def is_canonical_host(request):
    """Whether the Host header names the host as its site does: lower case, no trailing
    dot, no port but the server's own. Only then are its page and fragments shared: they
    show the host as named, and its spellings are countless (`:1` to `:65535`)."""
    name = host_name(request)
    return request.get_host() in (name, f"{name}:{request.get_port()}")


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
