"""Live reports: the one way an update is added to a story, so every caller purges."""

from django.db import transaction

from ..delivery.purge import purge_when_public
from ..models import LiveUpdate


def add_update(article, *, text, title="", at=None):
    """Add a timestamped update to a live story (now unless `at`); its sites are purged
    once this commits, so open pages and the cached JSON show it at their next poll."""
    update = LiveUpdate(article=article, text=text, title=title)
    if at is not None:
        update.at = at
    update.full_clean()
    with transaction.atomic():
        update.save()
        purge_when_public(article, article.is_published)
    return update
