"""Small factories for the content model: realistic defaults, every field overridable."""

import itertools
from datetime import timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.editorial import placements
from articles.models import Article, Editor, Photo, Placement, RelatedLink, Section, Site, Source

_numbers = itertools.count(1)


def make_staff(role, username=None, *, sites=None, password="rahasia-panjang-2026"):
    """An admin account in `role` (Penulis, Editor, Admin) on `sites` (default: the
    default site)."""
    user = get_user_model().objects.create_user(
        username or role.lower(), password=password, is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    user.newsroom_sites.set(sites if sites is not None else [Site.objects.default()])
    return user


def make_editor(**fields):
    fields.setdefault("name", f"Editor {next(_numbers)}")
    return Editor.objects.create(**fields)


def make_source(**fields):
    fields.setdefault("name", f"Sumber {next(_numbers)}")
    return Source.objects.create(**fields)


def make_site(*, sections=(), aliases=(), **fields):
    """A site of the network, on a host under .localhost (allowed) unless told otherwise."""
    number = next(_numbers)
    fields.setdefault("name", f"Zona Uji {number}")
    fields.setdefault("domain", f"zona-uji-{number}.localhost")
    fields.setdefault("dateline", f"ZONA UJI {number}")
    site = Site.objects.create(**fields)
    site.sections.set(sections)
    for alias in aliases:
        site.aliases.create(domain=alias)
    return site


def make_section(*, sites=None, **fields):
    """A kanal, listed on `sites` (by default on the default site)."""
    number = next(_numbers)
    fields.setdefault("name", f"Kanal {number}")
    fields.setdefault("slug", f"kanal-{number}")
    section = Section.objects.create(**fields)
    section.sites.set(sites if sites is not None else [Site.objects.default()])
    return section


def make_photo(
    *, width=1600, height=1000, orientation=None, image_format="JPEG", sites=None, **fields
):
    """A photo with a real image file, of `sites` (default: the default site);
    `orientation` sets its EXIF Orientation tag."""
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
    photo.sites.set(sites if sites is not None else [Site.objects.default()])
    return photo


def make_article(*, tags=(), sources=(), **fields):
    """A published story of the default site from an hour ago unless told otherwise."""
    number = next(_numbers)
    fields.setdefault("headline", f"Berita nomor {number} tentang Priangan")
    fields.setdefault("dateline", "ZONA PRIANGAN")
    fields.setdefault("body", "Paragraf pertama.\n\nParagraf kedua.\n\nParagraf ketiga.")
    fields.setdefault("status", Article.Status.PUBLISHED)
    fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    if "editor" not in fields:
        fields["editor"] = make_editor()
    site = fields.setdefault("site", Site.objects.default())
    if "photo" not in fields:
        fields["photo"] = Photo.objects.create_on(
            [site], caption=f"Foto {number}", credit="Dok. Redaksi"
        )
    article = Article(**fields)
    article.take_photo_defaults()  # as choosing the photo in the story form does
    article.save()
    placements.sync_origin(article)
    if tags:
        article.tags.set(list(tags))
    if sources:
        article.set_sources(sources)
    return article


def bulk_create_articles(articles):
    """`Article.objects.bulk_create`, each story on the default site unless it has one,
    with its origin placement (what `placements.sync_origin` makes one at a time)."""
    site, articles = Site.objects.default(), list(articles)
    for article in articles:
        article.site = article.site or site
    created = Article.objects.bulk_create(articles)
    Placement.objects.bulk_create(
        Placement(
            article=article,
            site=article.site,
            section=article.section,
            published_at=article.published_at,
        )
        for article in created
    )
    return created


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
