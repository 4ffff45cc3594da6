"""What a changed photo sets off: its master (for a large upload), every rendition, a
purge of the pages that show it, and the removal of crops at a focal point no longer set.

A new focal point reaches readers in this order: the change commits, the pages showing
the photo are purged (`focal_point_changed`), the worker makes the new crops and only then
removes the old ones, which no page names any more (`refresh_photo`).
"""

from django_tasks import task

from ..delivery.purge import purge_on_commit, purge_sites, story_site_ids
from ..media.renditions import ensure_master, make_all, remove_other_crops
from ..models import Article, Photo
from ..queue import enqueue_on_commit


def where_shown(photo):
    """(site ids, edge tags) of the pages that may show `photo`: its stories' own pages
    and the lists with their cards, on every site they run on or are placed on."""
    site_ids, tags = set(), []
    for article in Article.objects.filter(photo=photo).only("pk", "site_id"):
        site_ids |= story_site_ids(article)
        tags.append(f"story-{article.pk}")
    return site_ids, tags


def refresh_soon(photo):
    """A new or changed photo's master and renditions, made in the background once the
    change commits, so that no reader (and no app server but one) makes them."""
    enqueue_on_commit(refresh_photo, photo.pk)


def focal_point_changed(photo):
    """The pages showing the photo are purged when the change commits (they then name
    the new crops), and the worker makes those and removes the old ones."""
    site_ids, tags = where_shown(photo)
    if site_ids:
        purge_on_commit(site_ids, edge_tags=tags)
    refresh_soon(photo)


@task()
def refresh_photo(photo_id):
    """Master (when the upload left it to the worker), renditions, then old crops gone.

    A master made now is a photo readers had not seen yet: its pages are purged."""
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None:
        return
    if ensure_master(photo):
        site_ids, tags = where_shown(photo)
        if site_ids:
            purge_sites(site_ids, edge_tags=tags)
    if photo.image and make_all(photo):
        remove_other_crops(photo)
