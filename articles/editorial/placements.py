"""Where a story runs: the one writer of `Placement` rows.

Every story has a placement on its origin site that mirrors its own kanal and
publication time, so that a site's lists read one table whatever site a story
came from. Whatever changes a story's site, kanal or time calls `sync_origin()`;
placing a story on another site and withdrawing it from one are workflow
actions (`articles.editorial.workflow.place`, `withdraw_placement`).
"""

from django.utils import timezone

from ..models import Placement


def sync_origin(article, *, previous_site_id=None):
    """Make the origin placement match the story (after it is saved).

    A story moved to another origin before it was ever published leaves its old
    site. A placement elsewhere never goes live before the story does at its origin.
    """
    if previous_site_id is not None and previous_site_id != article.site_id:
        Placement.objects.filter(article=article, site_id=previous_site_id).delete()
    Placement.objects.update_or_create(
        article=article,
        site_id=article.site_id,
        defaults={
            "section_id": article.section_id,
            "published_at": article.published_at,
            "headline": "",
            "withdrawn_at": None,
        },
    )
    if article.published_at is not None:
        Placement.objects.filter(article=article, published_at__lt=article.published_at).update(
            published_at=article.published_at
        )


def withdraw_elsewhere(article, *, now=None):
    """A story withdrawn at its origin is withdrawn from every other site too: putting
    it back there later is a new placement, not a side effect of republishing."""
    return (
        Placement.objects.filter(article=article, withdrawn_at=None)
        .exclude(site_id=article.site_id)
        .update(withdrawn_at=now or timezone.now())
    )
