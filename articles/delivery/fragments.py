"""Values many requests share, made once between purges: a story's markup, the
sidebar, a list's cards, a search's ranking, the picks; and how long they may be kept.

Each is kept under the request's site with the generation it was made in (`purge`),
so a purge drops it, and never past the time the site's next scheduled story goes
live (`next_go_live`) or something on the page expires (`cache_until`). A page's
shared values and its site's generation are read in one cache round trip
(`prefetch_shared`), and after a purge one request makes each value while the others
wait for it (`_made_once`). Only a host named as its site names it shares them.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone

from ..models import Article, Placement
from ..network import host_name
from .purge import generation_key, host_generation

NEXT_GO_LIVE = "pages:next-go-live:{site}:{generation}"


SHARED_WAIT_SECONDS = 3  # at most, for another request making the same shared value


SHARED_POLL_SECONDS = 0.02


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


def is_canonical_host(request):
    """Whether the Host header names the host as its site does: lower case, no trailing
    dot, no port but the server's own. Only then are its page and fragments shared: they
    show the host as named, and its spellings are countless (`:1` to `:65535`)."""
    name = host_name(request)
    return request.get_host() in (name, f"{name}:{request.get_port()}")
