"""A change to the reference data readers see reaches their pages at once, wherever it
is made: the admin, the shell, a command. Connected in `ArticlesConfig.ready()`.

- an editor, a source or a tag renamed or deleted: the pages that show it (at the edge
  by its tag, `editor-12`; the page cache of every site);
- a kanal changed or deleted, or a site's kanal list: the navigation and every page;
- a site or a host name: every server's host lookup and the site's pages.

A row just created is on no page yet, so it purges nothing: a bulk load that creates
editors and tags as it goes (`loadseeds`) purges once, at its end, for its stories.
Here, not in `delivery`, because the navigation's kanal is the readers' own cache.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag

from ..delivery.purge import purge_on_commit
from ..models import Editor, Section, Site, SiteAlias, Source
from ..network import forget_sites
from .navigation import kanal_changed

# Rows whose name and slug story pages and lists print, and the edge tag of those pages.
EDGE_TAG_OF = {Editor: "editor", Source: "source", Tag: "tag"}


def named_row_changed(sender, instance, created=False, **kwargs):
    if not created:
        purge_on_commit(edge_tags=[f"{EDGE_TAG_OF[sender]}-{instance.pk}"])


def kanal_row_changed(sender, instance, created=False, **kwargs):
    if not created:  # a new kanal shows once a site lists it (`site_kanal_changed`)
        kanal_changed()


def site_kanal_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        kanal_changed()


def site_changed(sender, instance, **kwargs):
    """Its name, logo, clock or host names: every server looks the host up again."""
    transaction.on_commit(forget_sites)
    kanal_changed()


def alias_changed(sender, instance, **kwargs):
    transaction.on_commit(forget_sites)
    purge_on_commit([instance.site_id])


def connect():
    for model in EDGE_TAG_OF:
        post_save.connect(named_row_changed, sender=model, dispatch_uid=f"purge-{model.__name__}")
        post_delete.connect(
            named_row_changed, sender=model, dispatch_uid=f"purge-deleted-{model.__name__}"
        )
    post_save.connect(kanal_row_changed, sender=Section, dispatch_uid="purge-section")
    post_delete.connect(kanal_row_changed, sender=Section, dispatch_uid="purge-deleted-section")
    m2m_changed.connect(
        site_kanal_changed, sender=Site.sections.through, dispatch_uid="purge-site-sections"
    )
    post_save.connect(site_changed, sender=Site, dispatch_uid="purge-site")
    post_delete.connect(site_changed, sender=Site, dispatch_uid="purge-deleted-site")
    post_save.connect(alias_changed, sender=SiteAlias, dispatch_uid="purge-alias")
    post_delete.connect(alias_changed, sender=SiteAlias, dispatch_uid="purge-deleted-alias")
