"""Moving stories between seed documents (`format`) and the database."""

import difflib
from dataclasses import dataclass, replace
from enum import Enum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.timezone import make_aware

from .. import text
from ..editorial import placements, revisions, workflow
from ..models import (
    Article,
    Editor,
    Photo,
    RelatedLink,
    Site,
    Source,
    base_slug,
)
from . import format as seedformat


class Outcome(Enum):
    CREATED = "dibuat"
    UPDATED = "diperbarui"
    UNCHANGED = "tidak berubah"
    RELAID = "tidak berubah (tata letak berkas diperbarui)"
    KEPT = "dibiarkan (berbeda dengan isi di database; pakai --update untuk menimpa)"


@dataclass(frozen=True)
class Difference:
    """A line the stored story exports otherwise than the seed document has it."""

    line: int  # in the document (1-based)
    written: str | None  # None: the export adds this line
    exported: str | None  # None: the export leaves this line out


@dataclass(frozen=True)
class ImportResult:
    article: Article
    outcome: Outcome
    # What the database keeps otherwise than the document (a name it already had in
    # other capitals, a source or tag given twice): the export differs there.
    differences: tuple[Difference, ...] = ()


def body_with_breaks(paragraphs, page_breaks):
    """The stored body: paragraphs, with a `[halaman]` line where each page starts."""
    parts = []
    for position, paragraph in enumerate(paragraphs):
        if position in page_breaks:
            parts.append(text.PAGE_BREAK)
        parts.append(paragraph)
    return "\n\n".join(parts)


def story_from_article(article):
    """The seed-format data of a stored story (uses prefetched relations when present,
    but for the tags, read in their order)."""
    return seedformat.Story(
        headline=article.headline,
        published_local=article.local_published_at.replace(tzinfo=None),
        time_zone=article.time_zone,
        caption=article.photo_caption or "",
        credit=article.photo_credit or "",
        dateline=article.dateline,
        paragraphs=tuple(article.paragraphs),
        related_links=tuple(
            seedformat.RelatedLink(title=link.display_title, after_paragraph=link.after_paragraph)
            for link in article.related_links.all()  # in place order (Meta.ordering)
        ),
        end_mark=article.end_mark,
        editor=article.editor.name if article.editor else "",
        sources=tuple(source.name for source in article.sources.all()),
        # In the order the story lists them, which is the order they were added in.
        tags=tuple(
            article.tags.order_by("taggit_taggeditem_items__id").values_list("name", flat=True)
        ),
        layout=seedformat.Layout.from_json(article.seed_layout),
        page_breaks=article.page_breaks,
    )


def export_article(article):
    """The story's seed document as its origin site prints it, in the layout of the file
    it was loaded from."""
    return seedformat.render(story_from_article(article))


def same_content(first, second):
    """Whether two stories say the same, whatever their layouts. Names are compared as
    the database finds them, whatever their case, and a name given twice counts once."""

    def names(values):
        return tuple(dict.fromkeys(value.casefold() for value in values))

    def comparable(story):
        return replace(
            story, editor=story.editor.casefold(), sources=names(story.sources),
            tags=names(story.tags),
        )  # fmt: skip

    canonical = seedformat.CANONICAL
    return seedformat.render(comparable(first), canonical) == seedformat.render(
        comparable(second), canonical
    )


def differences(written, exported):
    """The lines where the document `exported` differs from the document `written`."""
    old, new = _lines(written), _lines(exported)
    found = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, first, last, new_first, new_last in matcher.get_opcodes():
        if tag == "equal":
            continue
        lines, exports = old[first:last], new[new_first:new_last]
        for offset in range(max(len(lines), len(exports))):
            found.append(
                Difference(
                    line=first + min(offset, max(len(lines) - 1, 0)) + 1,
                    written=lines[offset] if offset < len(lines) else None,
                    exported=exports[offset] if offset < len(exports) else None,
                )
            )
    return tuple(found)


def _lines(text):
    return seedformat.LINE_BREAK.split(text)[0::2]


def site_for_dateline(dateline):
    """The site whose dateline ends the story's ("TASIKMALAYA, ZONA PRIANGAN" is Zona
    Priangan's), else the network's default site."""
    name = dateline.rpartition(", ")[2].strip().upper()
    return (Site.objects.filter(dateline=name).first() if name else None) or Site.objects.default()


def find_or_create_named(model, name):
    """An Editor or Source whose name matches case-insensitively, or a new one."""
    found = model.objects.annotate(lower_name=Lower("name")).filter(lower_name=name.lower()).first()
    return found or model.objects.create(name=name)


def stored_story(story):
    """The stored story loaded from this seed: the one that keeps its headline as the
    seed's (whatever editors have retitled it since), else one loaded before stories
    kept it, found by the headline's slug. None for a new story, even when another
    story already has that slug (two headlines may slugify alike).

    Locked until the import commits: an editor's save meanwhile waits, and its version
    check then sees the import's version."""
    stories = Article.objects.select_for_update(of=("self",)).for_page()
    return (
        stories.filter(seed_headline=story.headline).first()
        or stories.filter(
            slug=base_slug(story.headline),
            seed_headline=None,
            state_changes__action=workflow.IMPORT,
        ).first()
    )


@transaction.atomic
def import_story(story, *, update=False, site=None, purge=True):
    """Store a parsed story as a published article of `site` (by default the site its
    dateline names), idempotently. It is published through the workflow;
    `purge=False` leaves purging to a caller that loads many (`loadseeds`).

    An identical stored story is left as it is; a different one is overwritten only
    with `update=True`, so that a second load never clobbers what editors changed
    in the admin. A story already stored keeps its origin site. A story under
    embargo is not published before its time: ValidationError, nothing changed.
    """
    article = stored_story(story)
    if article is not None:
        if article.seed_headline is None and article.headline == story.headline:
            # Loaded before stories kept it: claimed only when the headline still says so,
            # since another seed of that slug may be the one it came from.
            article.seed_headline = story.headline
            Article.objects.filter(pk=article.pk).update(seed_headline=story.headline)
        if same_content(story_from_article(article), story):
            layout = story.layout.to_json()
            if article.seed_layout == layout:
                return _result(article, Outcome.UNCHANGED, story)
            # Not the story's content (editors do not see it), so no revision either.
            article.seed_layout = layout
            Article.objects.filter(pk=article.pk).update(seed_layout=layout)
            return _result(article, Outcome.RELAID, story)
        if not update:
            return ImportResult(article, Outcome.KEPT)
        outcome = Outcome.UPDATED
        article.note_content_change()
    else:  # a draft until the import publishes it; save() picks a free slug
        article = Article(site=site or site_for_dateline(story.dateline))
        outcome = Outcome.CREATED

    # The story's own caption and credit; a photo it already shows stays as it is
    # (other stories may use it), one it lacks is made for the caption to stand under.
    article.photo_caption, article.photo_credit = story.caption, story.credit
    if not (story.caption or story.credit):
        article.photo = None
    elif article.photo is None:
        article.photo = Photo.objects.create_on(
            [article.site], caption=story.caption, credit=story.credit
        )
    article.headline = article.seed_headline = story.headline
    article.seed_layout = story.layout.to_json()
    article.dateline = story.dateline
    article.body = body_with_breaks(story.paragraphs, story.page_breaks)
    article.end_mark = story.end_mark
    article.editor = find_or_create_named(Editor, story.editor)
    article.time_zone = story.time_zone
    article.full_clean(exclude=["slug"])
    article.save()
    placements.sync_origin(article)
    article.set_sources([find_or_create_named(Source, name) for name in story.sources])
    # TAGGIT_CASE_INSENSITIVE makes taggit reuse "Ukraina" for "ukraina".
    article.tags.set(list(story.tags), clear=True)
    article.related_links.all().delete()
    RelatedLink.objects.bulk_create(
        RelatedLink(
            article=article,
            after_paragraph=link.after_paragraph,
            position=position,
            title=link.title,
            target=Article.objects.exclude(pk=article.pk)
            .filter(headline__iexact=link.title)
            .first(),
        )
        for position, link in enumerate(story.related_links)
    )
    # Loading publishes, so a story under embargo is refused like any other publish.
    try:
        article = workflow.publish_import(
            article,
            published_at=make_aware(story.published_local, article.zone),
            note="Dimuat dari berkas seed",
            purge=purge,
        )
    except workflow.TransitionRefused as refused:
        raise ValidationError(refused.message, code="embargo") from refused
    revisions.record(article, note=f"Dimuat dari seed ({outcome.value})")
    return _result(article, outcome, story)


def _result(article, outcome, story):
    """The outcome, with the lines the stored story exports otherwise than the file."""
    stored = Article.objects.for_page().get(pk=article.pk)
    return ImportResult(
        stored, outcome, differences(seedformat.render(story), export_article(stored))
    )


def link_related_titles():
    """Point every unlinked "Baca Juga" block at the story whose headline it names.

    Run after a batch import, so links resolve whatever order the files came in.
    Returns how many links were made.
    """
    linked = 0
    for link in RelatedLink.objects.filter(target__isnull=True).exclude(title=""):
        target = (
            Article.objects.exclude(pk=link.article_id).filter(headline__iexact=link.title).first()
        )
        if target is not None:
            link.target = target
            link.save(update_fields=["target"])
            linked += 1
    return linked
