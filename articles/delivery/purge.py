"""Purges: each host name's cache generation, and what a change drops.

A page is served from the cache for at most PAGE_CACHE_SECONDS, so a publish, an
edit or a withdrawal reaches readers within that delay, on every app server (the
cache is Redis in production); pages and fragments are never kept past the time the
site's next scheduled story goes live (`fragments.next_go_live`).
A purge makes a change visible at once, on the sites it touches only: each
host name keeps its own generation, part of every cached page's key. Every
write that changes what readers can see of a story calls `purge_when_public()`,
which purges the sites the story runs on (its origin and its placements);
drafts and other unseen work leave the cache alone. Names shown on every site
(kanal, tags, editors, sources) purge every site when they change (`readers.signals`).
A purge reaches the edge too (`edge.queue_purge`), once the change commits.
"""

import time

from django.core.cache import cache
from django.db import transaction

from ..models import Placement, Site, SiteAlias
from .edge import queue_purge

GENERATION = "pages:generation:{host}"


def generation_key(host):
    return GENERATION.format(host=host)


def purge_sites(site_ids=None, *, edge_tags=None, again_at=None):
    """Drop the cached pages and shared fragments of these sites (all: None), on every
    server, at once; and at the edge, the pages tagged `edge_tags` (by default every
    page of those sites), and again at `again_at` when given."""
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
