"""Tag housekeeping for the admin (was `tagging`): merging duplicates such as
`ukraina` into `Ukraina`.
"""

from django.db import transaction
from taggit.models import Tag, TaggedItem

from ..delivery.purge import purge_on_commit


@transaction.atomic
def merge_tags(target, others):
    """Move every story tagged with one of `others` to `target`, then delete `others`.

    Returns how many taggings were moved.
    """
    others = [tag for tag in others if tag.pk != target.pk]
    moved = 0
    for item in TaggedItem.objects.filter(tag__in=others).select_for_update():
        already = TaggedItem.objects.filter(
            tag=target, content_type_id=item.content_type_id, object_id=item.object_id
        ).exists()
        if already:
            item.delete()
        else:
            item.tag = target
            item.save(update_fields=["tag"])
            moved += 1
    Tag.objects.filter(pk__in=[tag.pk for tag in others]).delete()
    purge_on_commit()  # tag lists and story pages change
    return moved
