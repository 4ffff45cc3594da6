"""The story form as its user last typed it, kept server-side every few seconds.

An autosave is one row per user and story (and one per user for a story not yet
saved). It is not a revision: it bumps no version, never reaches readers, and is
offered back only to the user who typed it, and only while it is newer than the
story's last save. Restoring it fills the form; saving that form goes through the
ordinary save, so the version check still refuses to overwrite another's save.
"""

import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Autosave
from .revisions import FieldChange

# What the page sends every AUTOSAVE_SECONDS while its form has changed.
AUTOSAVE_SECONDS = 5
MAX_FIELD_LENGTH = 200_000
# What one autosave may hold in all, as JSON: a long story with its inlines is under 100 KB.
MAX_AUTOSAVE_BYTES = 512 * 1024
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


class TooLarge(Exception):
    """An autosave over MAX_AUTOSAVE_BYTES: refused, not cut (a cut form restores wrong)."""


@dataclass(frozen=True)
class StoryFormFields:
    """The names the story form really posts: its own fields, and each inline's
    `prefix-N-field` for its fields and N below its most forms."""

    fields: frozenset
    inlines: dict  # prefix -> (field names, most forms)

    def __contains__(self, name):
        if name in self.fields:
            return True
        parts = name.split("-", 2)
        if len(parts) != 3:
            return False
        prefix, number, field = parts
        names, most = self.inlines.get(prefix, ((), 0))
        return number.isdigit() and int(number) < most and field in names

    @classmethod
    def of(cls, form_class, formset_classes):
        """Of an admin form and its inline formsets (which add each row's key, the
        story it belongs to and its "delete" box to the fields they declare)."""
        return cls(
            frozenset(form_class.base_fields),
            {
                formset.get_default_prefix(): (
                    {*formset.form.base_fields, formset.fk.name, "id", "DELETE"},
                    formset.max_num,
                )
                for formset in formset_classes
            },
        )


def form_data(post, fields):
    """The posted form as {name: value}: only the story form's own `fields`, without
    its bookkeeping and files. Raises TooLarge over MAX_AUTOSAVE_BYTES."""
    data = {}
    for name in post:
        if name in SKIPPED or name not in fields:
            continue
        values = post.getlist(name)
        data[name] = values[0][:MAX_FIELD_LENGTH] if len(values) == 1 else values
    if len(json.dumps(data, ensure_ascii=False).encode()) > MAX_AUTOSAVE_BYTES:
        raise TooLarge(
            _("Isian terlalu besar untuk disimpan otomatis (lebih dari %(size)s KB).")
            % {"size": MAX_AUTOSAVE_BYTES // 1024}
        )
    return data


def keep(user, article, post, *, fields, base_version=None):
    """Store what `user` has typed in the form of `article` (None: a new story), of the
    names in `fields` (a StoryFormFields). Raises TooLarge."""
    data = form_data(post, fields)
    with transaction.atomic():
        autosave, _created = Autosave.objects.update_or_create(
            user=user,
            article=article,
            defaults={
                "data": data,
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
