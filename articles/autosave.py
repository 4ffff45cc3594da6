"""The story form as its user last typed it, kept server-side every few seconds.

An autosave is one row per user and story (and one per user for a story not yet
saved). It is not a revision: it bumps no version, never reaches readers, and is
offered back only to the user who typed it, and only while it is newer than the
story's last save. Restoring it fills the form; saving that form goes through the
ordinary save, so the version check still refuses to overwrite another's save.
"""

from django.db import transaction
from django.utils import timezone

from .models import Autosave
from .revisions import FieldChange

# What the page sends every AUTOSAVE_SECONDS while its form has changed.
AUTOSAVE_SECONDS = 5
MAX_FIELD_LENGTH = 200_000
# The fields an editor types, as the story form names them, in the order a diff shows them.
TEXT_FIELDS = {
    "headline": "Judul",
    "dateline": "Dateline",
    "body": "Isi berita",
    "correction": "Koreksi",
    "tags": "Tag",
    "photo_caption": "Keterangan foto",
    "photo_credit": "Kredit foto",
}
# Never kept: the form's own bookkeeping.
SKIPPED = ("csrfmiddlewaretoken", "loaded_version", "_save", "_continue", "_addanother")


def form_data(post):
    """The posted form as {name: value}, without its bookkeeping and files."""
    data = {}
    for name in post:
        if name in SKIPPED or name.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "NUM_FORMS")):
            continue
        values = post.getlist(name)
        data[name] = values[0][:MAX_FIELD_LENGTH] if len(values) == 1 else values
    return data


def keep(user, article, post, *, base_version=None):
    """Store what `user` has typed in the form of `article` (None: a new story)."""
    with transaction.atomic():
        autosave, _created = Autosave.objects.update_or_create(
            user=user,
            article=article,
            defaults={
                "data": form_data(post),
                "base_version": base_version,
                "saved_at": timezone.now(),
            },
        )
    return autosave


def recoverable(user, article):
    """The user's autosave of `article` (None: a new story) newer than its last save."""
    autosave = Autosave.objects.filter(user=user, article=article).first()
    if autosave is None:
        return None
    if article is not None and autosave.saved_at <= article.updated_at:
        return None
    return autosave


def discard(user, article):
    Autosave.objects.filter(user=user, article=article).delete()


def saved_values(article):
    """The story as last saved, in the form's field names."""
    if article is None:
        return {}
    return {
        "headline": article.headline,
        "dateline": article.dateline,
        "body": article.body,
        "correction": article.correction,
        "tags": ", ".join(sorted(article.tags.names(), key=str.lower)),
        "photo_caption": article.photo_caption or "",
        "photo_credit": article.photo_credit or "",
    }


def changes(autosave, article):
    """What the autosave holds that the last save does not, field by field (word diff)."""
    saved = saved_values(article)
    found = []
    for field, label in TEXT_FIELDS.items():
        old = (saved.get(field) or "").replace("\r\n", "\n").strip()
        new = str(autosave.data.get(field) or "").replace("\r\n", "\n").strip()
        if old != new:
            found.append(FieldChange(field, label, old, new))
    return found
