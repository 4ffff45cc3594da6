"""Small factories for the content model: realistic defaults, every field overridable."""

import itertools
from datetime import timedelta

from django.utils import timezone

from articles.models import Article, Editor, Photo, RelatedLink, Source

_numbers = itertools.count(1)


def make_editor(**fields):
    fields.setdefault("name", f"Editor {next(_numbers)}")
    return Editor.objects.create(**fields)


def make_source(**fields):
    fields.setdefault("name", f"Sumber {next(_numbers)}")
    return Source.objects.create(**fields)


def make_article(*, tags=(), sources=(), **fields):
    """A published story from an hour ago unless told otherwise."""
    number = next(_numbers)
    fields.setdefault("headline", f"Berita nomor {number} tentang Priangan")
    fields.setdefault("dateline", "ZONA PRIANGAN")
    fields.setdefault("body", "Paragraf pertama.\n\nParagraf kedua.\n\nParagraf ketiga.")
    fields.setdefault("status", Article.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    if "editor" not in fields:
        fields["editor"] = make_editor()
    if "photo" not in fields:
        fields["photo"] = Photo.objects.create(caption=f"Foto {number}", credit="Dok. Redaksi")
    article = Article.objects.create(**fields)
    if tags:
        article.tags.set(list(tags))
    if sources:
        article.set_sources(sources)
    return article


def make_related_link(article, **fields):
    fields.setdefault("after_paragraph", 1)
    fields.setdefault("title", f"Berita terkait {next(_numbers)}")
    return RelatedLink.objects.create(article=article, **fields)
