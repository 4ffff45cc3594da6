"""Photo renditions: resized copies made once with Pillow and stored beside the originals.

A rendition's name is its original's whole name and everything that shapes its pixels
(`foto/2024/05/ab12.jpg` cropped to 3:2 at 480 px gives
`renditions/foto/2024/05/ab12.jpg-480x320-3x2.webp`), so no two photos, uses, sizes or
formats ever share a file; and originals get fresh names on upload, so a stored
rendition never goes stale. What was made for a photo is remembered
in the shared cache and, since it never changes, in each process too: pages touch
neither the disk, nor the database, nor (after a photo's first showing) the cache.
EXIF orientation is applied before resizing: phone photos come out upright.
"""

import logging
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tasks import task
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from ..models import Photo

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Use:
    """How a photo is shown: the widths made for it and, for cards, a fixed shape."""

    widths: tuple
    aspect: tuple | None = None  # (width, height) to crop to, or None to keep the photo's own

    @property
    def key(self):
        """`160-320-480@3x2`: changes when the sizes do, so old cache entries go unused."""
        crop = f"@{self.aspect[0]}x{self.aspect[1]}" if self.aspect else ""
        return "-".join(map(str, self.widths)) + crop


USES = {
    "small": Use(widths=(160, 320, 480), aspect=(3, 2)),  # story cards and section blocks
    "large": Use(widths=(480, 800, 1200)),  # the lead story and the article page
}
FORMATS = {"webp": ("WEBP", "image/webp"), "jpg": ("JPEG", "image/jpeg")}
FORMAT_OF = {mime_type: pillow_format for pillow_format, mime_type in FORMATS.values()}
SIDEWAYS = {5, 6, 7, 8}  # EXIF orientations that swap width and height
QUALITY = 80
# WebP's limit (JPEG's is 65535); the 1200 px rendition of a 1200x17000 photo is taller.
LONGEST_SIDE = 16383
CACHE_SECONDS = 60 * 60 * 24 * 30
PHOTOS_REMEMBERED_PER_PROCESS = 10_000  # about 1 KB each


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int
    mime_type: str

    @property
    def url(self):
        return media_url(self.name)

    @property
    def size(self):
        """Bytes stored, as feed enclosures state it."""
        return stored_size(self.name)


@dataclass(frozen=True)
class RenditionSet:
    """One use of one photo: the same sizes in WebP and in JPEG, smallest first."""

    webp: tuple
    jpeg: tuple

    @property
    def largest(self):
        return self.jpeg[-1]


@lru_cache(maxsize=PHOTOS_REMEMBERED_PER_PROCESS * 6)
def media_url(name):
    """The storage's URL for a rendition; a card list asked for about 230 per page."""
    return default_storage.url(name)


@lru_cache(maxsize=PHOTOS_REMEMBERED_PER_PROCESS)
def stored_size(name):
    """A rendition's size in bytes; a feed asked for 30 per rendering, each a file
    system call, or a request with S3-like storage. A stored rendition never changes."""
    return default_storage.size(name)


class Unreadable(Exception):
    """The original cannot be read now; not remembered, so a later request tries again."""


def rendition_set(photo, use_name):
    """The renditions of `photo` for a use, made on first request; None if there is no image."""
    if photo is None or not photo.image:
        return None
    try:
        return known_renditions(photo.image.name, use_name)
    except Unreadable:
        return None


@lru_cache(maxsize=PHOTOS_REMEMBERED_PER_PROCESS)
def known_renditions(original_name, use_name):
    """The renditions of one stored original, from this process's memory, the cache or made.

    A card list showed 15-35 photos, each a cache round trip per request before
    this process-level memory; an original's name is never reused, so it cannot go stale.
    """
    use = USES[use_name]
    # "v2": the names that tell uses apart (before, a card's 480 px crop and the article
    # page's 480 px rendition were one file).
    key = f"renditions:v2:{original_name}:{use.key}"
    made = cache.get(key)
    if made is None:
        made = make_renditions(original_name, use)
        if made is None:
            raise Unreadable(original_name)
        cache.set(key, made, CACHE_SECONDS)
    return made


def make_renditions(original_name, use):
    """Store the renditions of one original that are missing; None if it is unreadable.

    Sizes come from the header and the EXIF orientation alone, so when every file
    exists (say, after the cache was emptied) the photo is not decoded at all.
    """
    try:
        with default_storage.open(original_name) as original, Image.open(original) as image:
            width, height = image.size
            if image.getexif().get(ExifTags.Base.Orientation) in SIDEWAYS:
                width, height = height, width
            sizes = [_size(width, height, target, use.aspect) for target in _widths(use, width)]
            sizes = [(w, h) for w, h in sizes if h <= LONGEST_SIDE]
            if not sizes:
                raise ValueError(f"every rendition would be taller than {LONGEST_SIDE} px")
            made = {
                suffix: tuple(
                    Rendition(rendition_name(original_name, w, h, use, suffix), w, h, mime_type)
                    for w, h in sizes
                )
                for suffix, (_, mime_type) in FORMATS.items()
            }
            missing = [r for r in made["webp"] + made["jpg"] if not default_storage.exists(r.name)]
            if missing:
                _store(image, missing, use.aspect)
    # ValueError: also what Pillow raises for a picture it cannot encode, which failed the page.
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        logger.warning("Foto %s tidak bisa dibaca; ditampilkan tanpa gambar.", original_name)
        return None
    return RenditionSet(webp=made["webp"], jpeg=made["jpg"])


def rendition_name(original_name, width, height, use, suffix):
    """`renditions/<original>-<width>x<height>[-<crop>].<suffix>`: the original's name ends
    in its own suffix, so what follows it can be read back one way only."""
    crop = f"-{use.aspect[0]}x{use.aspect[1]}" if use.aspect else ""
    return f"renditions/{original_name}-{width}x{height}{crop}.{suffix}"


def _widths(use, original_width):
    """The use's widths the original can fill, and at least one (never upscaled)."""
    return [w for w in use.widths if w <= original_width] or [original_width]


def _size(width, height, target_width, aspect):
    if aspect is None:
        return target_width, max(1, round(height * target_width / width))
    return target_width, round(target_width * aspect[1] / aspect[0])


def _store(image, missing, aspect):
    """Decode the original once (JPEGs at a reduced scale when that suffices), upright."""
    largest = max(missing, key=lambda rendition: rendition.width)
    needed = (largest.width, largest.height)
    if image.getexif().get(ExifTags.Base.Orientation) in SIDEWAYS:
        needed = needed[::-1]
    image.draft(None, needed)  # JPEG only: decode at the smallest scale still this big
    upright = ImageOps.exif_transpose(image)
    for rendition in missing:
        size = (rendition.width, rendition.height)
        if aspect is None:
            resized = upright.resize(size, Image.Resampling.LANCZOS)
        else:
            resized = ImageOps.fit(upright, size, Image.Resampling.LANCZOS)
        _save(resized, rendition.name, FORMAT_OF[rendition.mime_type])


def _save(image, name, pillow_format):
    if pillow_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif pillow_format == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    buffer = BytesIO()
    image.save(buffer, pillow_format, quality=QUALITY, optimize=pillow_format == "JPEG")
    stored = default_storage.save(name, ContentFile(buffer.getvalue()))
    if stored != name:
        # Another process stored this very rendition since we looked; the storage kept
        # ours under a free name (get_available_name) that nothing would ever show.
        default_storage.delete(stored)


@task()
def make_photo_renditions(photo_id):
    """Every rendition of a new photo, stored once for every app server."""
    photo = Photo.objects.filter(pk=photo_id).exclude(image="").first()
    if photo is not None:
        for use in USES:
            rendition_set(photo, use)
