"""Revisions of a story's editorial content: snapshot, compare, restore.

A small model of our own (`Revision`, a JSON snapshot per save) rather than a
generic versioning library: a story's content spans the article row, its tags,
ordered sources and "Baca Juga" links, and a snapshot of exactly that is what
editors compare and restore. Revision numbers follow `Article.version`.
"""

import difflib
import re
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from ..delivery.purge import purge_when_public
from ..models import Article, Editor, Photo, RelatedLink, Revision, Section, Site, Source, base_slug
from ..network import may_work_on, user_site_ids, works_on_every_site
from . import placements

WORDS = re.compile(r"\S+|\s+")  # words and the spaces between them, so paragraphs survive
FIELD_LABELS = {
    "headline": _("Judul"),
    "slug": _("Slug"),
    "dateline": _("Dateline"),
    "body": _("Isi berita"),
    "end_mark": _("Tanda akhir"),
    "correction": _("Koreksi"),
    "time_zone": _("Zona waktu"),
    "site": _("Situs asal"),
    "section": _("Kanal"),
    "editor": _("Editor"),
    "photo": _("Foto"),
    "sources": _("Sumber"),
    "tags": _("Tag"),
    "related_links": _("Baca Juga"),
}


def snapshot(article):
    """The editorial content of a saved story as plain, JSON-ready data."""
    photo = article.photo
    caption, credit = article.photo_caption or "", article.photo_credit or ""
    return {
        "headline": article.headline,
        "slug": article.slug,
        "dateline": article.dateline,
        "body": article.body,
        "end_mark": article.end_mark,
        "correction": article.correction,
        "time_zone": article.time_zone,
        # Kept so that a deleted story comes back under its embargo; a restore of a
        # revision leaves the story's embargo as it is (see `apply`).
        "embargo_until": article.embargo_until.isoformat() if article.embargo_until else None,
        "site": _ref(article.site),
        "section": _ref(article.section),
        "editor": _ref(article.editor),
        # The story's own caption and credit, with the photo it shows them under.
        "photo": (
            {
                "id": photo.pk if photo else None,
                "caption": caption,
                "credit": credit,
                "image": photo.image.name if photo else "",
            }
            if photo or caption or credit
            else None
        ),
        "sources": [_ref(source) for source in article.sources.order_by("articlesource__position")],
        "tags": sorted(article.tags.names(), key=str.lower),
        "related_links": [
            {
                "after_paragraph": link.after_paragraph,
                "position": link.position,
                "target": link.target_id,
                "title": link.title,
                "url": link.url,
            }
            for link in article.related_links.order_by("after_paragraph", "position")
        ],
    }


def _ref(instance):
    return {"id": instance.pk, "name": instance.name} if instance else None


def record(article, *, user=None, note=""):
    """Keep a revision of `article` as it is saved now, numbered by its version."""
    return Revision.objects.update_or_create(
        article_key=article.pk,
        number=article.version,
        defaults={"article": article, "author": user, "content": snapshot(article), "note": note},
    )[0]


def display_value(field, value):
    """A revision value as editors read it."""
    if value in (None, "", []):
        return ""
    if field in ("section", "editor"):
        return value["name"]
    if field == "photo":
        return " /".join(
            filter(None, [value["caption"], value["credit"] and value["credit"] + "/"])
        )
    if field == "sources":
        return ", ".join(item["name"] for item in value)
    if field == "tags":
        return ", ".join(value)
    if field == "related_links":
        return "\n".join(
            f"[{link['after_paragraph']}] Baca Juga: {link['title']}" for link in value
        )
    if field == "end_mark":
        return "***" if value else ""
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str

    @property
    def html(self):
        """Word-level diff: removed words in <del>, added ones in <ins>, all else escaped."""
        old_words, new_words = WORDS.findall(self.old), WORDS.findall(self.new)
        parts = []
        matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                parts.append(escape("".join(old_words[a1:a2])))
                continue
            if a2 > a1:
                parts.append(f"<del>{escape(''.join(old_words[a1:a2]))}</del>")
            if b2 > b1:
                parts.append(f"<ins>{escape(''.join(new_words[b1:b2]))}</ins>")
        return mark_safe("".join(parts).replace("\n", "<br>"))


def compare(old_content, new_content):
    """The fields that differ between two snapshots, in the order editors see them."""
    changes = []
    for field, label in FIELD_LABELS.items():
        old = display_value(field, old_content.get(field))
        new = display_value(field, new_content.get(field))
        if old != new:
            changes.append(FieldChange(field, str(label), old, new))
    return changes


def _existing(model, ref):
    """The row a revision names: by id, else by name; None when it is gone."""
    if not ref:
        return None
    found = model.objects.filter(pk=ref["id"]).first()
    if found is None and "name" in ref:
        found = model.objects.filter(name__iexact=ref["name"]).first()
    return found


def apply(article, content):
    """Write a snapshot's content onto `article` and its relations (no revision, no version).

    Status, times and embargo are the workflow's, not content: a restore changes none."""
    for field in ("headline", "dateline", "body", "end_mark", "correction", "time_zone"):
        setattr(article, field, content[field])
    article.section = _existing(Section, content["section"])
    article.editor = _existing(Editor, content["editor"]) or article.editor
    photo_ref = content["photo"] or {"id": None, "caption": "", "credit": "", "image": ""}
    article.photo_caption, article.photo_credit = photo_ref["caption"], photo_ref["credit"]
    # The photo as it is, shared with other stories perhaps; one deleted since comes
    # back as a new photo of the story's site.
    article.photo = Photo.objects.filter(pk=photo_ref["id"]).first()
    if article.photo is None and (photo_ref["id"] or photo_ref["image"]):
        article.photo = Photo.objects.create_on(
            [article.site],
            image=photo_ref["image"],
            caption=photo_ref["caption"],
            credit=photo_ref["credit"],
        )
    article.save()
    placements.sync_origin(article)
    article.set_sources(filter(None, (_existing(Source, ref) for ref in content["sources"])))
    article.tags.set(content["tags"], clear=True)
    article.related_links.all().delete()
    live_targets = set(
        Article.objects.filter(
            pk__in=[link["target"] for link in content["related_links"]]
        ).values_list("pk", flat=True)
    )
    RelatedLink.objects.bulk_create(
        RelatedLink(
            article=article,
            after_paragraph=link["after_paragraph"],
            position=link["position"],
            target_id=link["target"] if link["target"] in live_targets else None,
            title=link["title"],
            url=link["url"],
        )
        for link in content["related_links"]
    )


@transaction.atomic
def restore(article, revision, *, user):
    """Bring back `revision` as a new revision: the later ones are all kept."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    article.note_content_change()
    apply(article, revision.content)
    purge_when_public(article, article.is_published)
    return record(article, user=user, note=f"Dipulihkan dari revisi {revision.number}")


def deleted_stories(user):
    """The latest revision of each deleted story of `user`'s sites, newest first, with its
    author."""
    newer = Revision.objects.filter(
        article_key=OuterRef("article_key"), number__gt=OuterRef("number")
    )
    deleted = Revision.objects.filter(article__isnull=True).exclude(Exists(newer))
    if not works_on_every_site(user):
        sites = user_site_ids(user)
        shown = Q(content__site__id__in=sites)
        if Site.objects.default().pk in sites:  # revisions kept before the network
            shown |= Q(content__site__isnull=True) | Q(content__site=None)
        deleted = deleted.filter(shown)
    return deleted.select_related("author").order_by("-created_at", "-pk")


@transaction.atomic
def restore_deleted(article_key, *, user):
    """Bring a deleted story back as a draft, under its old number, with all its revisions.

    The story returns unpublished: going live again goes through the workflow.
    """
    history = Revision.objects.select_for_update().filter(article_key=article_key, article=None)
    latest = history.order_by("-number").first()
    if latest is None or Article.objects.filter(pk=article_key).exists():
        return None
    content = latest.content
    site = _existing(Site, content.get("site")) or Site.objects.default()
    if not may_work_on(user, site.pk):
        return None
    slug = content.get("slug") or base_slug(content["headline"])
    article = Article(
        pk=article_key,
        slug="" if Article.objects.filter(slug=slug).exists() else slug,
        headline=content["headline"],
        body=content["body"],
        version=latest.number + 1,
        author=latest.author,
        # Revisions kept before the network have no site: the default site's, as then.
        site=site,
        embargo_until=(
            datetime.fromisoformat(content["embargo_until"])
            if content.get("embargo_until")
            else None
        ),
    )
    article.save()
    apply(article, content)
    history.update(article=article)
    return record(
        article, user=user, note=f"Dipulihkan setelah dihapus (dari revisi {latest.number})"
    )
