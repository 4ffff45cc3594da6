"""Photo renditions: resized copies made once with Pillow and stored beside the originals.

A rendition's name follows from its original's (`foto/2024/05/ab12.jpg` gives
`renditions/foto/2024/05/ab12-640.webp`), and originals get fresh names on upload,
so a stored rendition never goes stale. What was made for a photo is remembered
in the cache, so pages neither touch the disk nor the database for it.
EXIF orientation is applied before resizing: phone photos come out upright.
"""

import logging
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Use:
    """How a photo is shown: the widths made for it and, for cards, a fixed shape."""

    widths: tuple
    aspect: tuple | None = None  # (width, height) to crop to, or None to keep the photo's own


USES = {
    "small": Use(widths=(160, 320, 480), aspect=(3, 2)),  # story cards and section blocks
    "large": Use(widths=(480, 800, 1200)),  # the lead story and the article page
}
FORMATS = {"webp": ("WEBP", "image/webp"), "jpg": ("JPEG", "image/jpeg")}
QUALITY = 80
CACHE_SECONDS = 60 * 60 * 24 * 30


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int
    mime_type: str

    @property
    def url(self):
        return default_storage.url(self.name)


@dataclass(frozen=True)
class RenditionSet:
    """One use of one photo: the same sizes in WebP and in JPEG, smallest first."""

    webp: tuple
    jpeg: tuple

    @property
    def largest(self):
        return self.jpeg[-1]


def rendition_set(photo, use_name):
    """The renditions of `photo` for a use, made on first request; None if there is no image."""
    if photo is None or not photo.image:
        return None
    key = f"renditions:{photo.image.name}:{use_name}"
    made = cache.get(key)
    if made is None:
        made = make_renditions(photo.image.name, USES[use_name])
        if made is not None:
            cache.set(key, made, CACHE_SECONDS)
    return made


def make_renditions(original_name, use):
    """Store the renditions of one original that are missing; None if it is unreadable."""
    try:
        with default_storage.open(original_name) as original, Image.open(original) as image:
            upright = ImageOps.exif_transpose(image)
            upright.load()
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        logger.warning("Foto %s tidak bisa dibaca; ditampilkan tanpa gambar.", original_name)
        return None
    stem = PurePosixPath("renditions") / PurePosixPath(original_name).with_suffix("")
    made = {"webp": [], "jpg": []}
    for width in _widths(use, upright.width):
        resized = _resize(upright, width, use.aspect)
        for suffix, (pillow_format, mime_type) in FORMATS.items():
            name = f"{stem}-{width}.{suffix}"
            if not default_storage.exists(name):
                _save(resized, name, pillow_format)
            made[suffix].append(Rendition(name, resized.width, resized.height, mime_type))
    return RenditionSet(webp=tuple(made["webp"]), jpeg=tuple(made["jpg"]))


def _widths(use, original_width):
    """The use's widths the original can fill, and at least one (never upscaled)."""
    return [w for w in use.widths if w <= original_width] or [original_width]


def _resize(image, width, aspect):
    if aspect is None:
        height = max(1, round(image.height * width / image.width))
        return image.resize((width, height), Image.Resampling.LANCZOS)
    height = round(width * aspect[1] / aspect[0])
    return ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)


def _save(image, name, pillow_format):
    if pillow_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif pillow_format == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    buffer = BytesIO()
    image.save(buffer, pillow_format, quality=QUALITY, optimize=pillow_format == "JPEG")
    default_storage.save(name, ContentFile(buffer.getvalue()))
