"""Small factories for the content model: realistic defaults, every field overridable."""

import itertools
from datetime import timedelta
from io import BytesIO

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Editor, Photo, RelatedLink, Section, Source

_numbers = itertools.count(1)


def make_editor(**fields):
    fields.setdefault("name", f"Editor {next(_numbers)}")
    return Editor.objects.create(**fields)


def make_source(**fields):
    fields.setdefault("name", f"Sumber {next(_numbers)}")
    return Source.objects.create(**fields)


def make_section(**fields):
    number = next(_numbers)
    fields.setdefault("name", f"Kanal {number}")
    fields.setdefault("slug", f"kanal-{number}")
    return Section.objects.create(**fields)


def make_photo(*, width=1600, height=1000, orientation=None, image_format="JPEG", **fields):
    """A photo with a real image file; `orientation` sets its EXIF Orientation tag."""
    fields.setdefault("caption", f"Foto {next(_numbers)}")
    fields.setdefault("credit", "Dok. Redaksi")
    image = Image.new("RGB", (width, height), (30, 80, 140))
    image.paste((250, 250, 250), (0, 0, width // 4, height // 4))  # marks the top-left corner
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    buffer = BytesIO()
    image.save(buffer, image_format, exif=exif)
    photo = Photo(**fields)
    photo.image.save(f"asli.{image_format.lower()}", ContentFile(buffer.getvalue()), save=False)
    photo.save()
    return photo


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


def image_bytes(image_format="JPEG", size=(40, 30), *, exif=None, **options):
    """A real encoded picture (left half red, right half blue), optionally with EXIF."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    output = BytesIO()
    if exif is not None:
        options["exif"] = exif.tobytes()
    image.save(output, image_format, **options)
    return output.getvalue()
