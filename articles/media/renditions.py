"""Photo renditions: resized copies of a photo's master, made once with Pillow and stored.

A rendition's name is its master's whole name and everything that shapes its pixels
(`foto/2024/05/ab12.jpg` cropped to 16:9 round the focal point (0.5, 0.3) at 480 px gives
`renditions/foto/2024/05/ab12.jpg-480x270-16x9-f500-300.avif`), so no two photos, uses,
sizes, crops or formats ever share a file; and masters get fresh names, so a stored
rendition never goes stale. A new focal point makes new names; the old crops are removed
once the pages showing them are purged (`remove_other_crops`). What was made for a photo
is remembered in the shared cache and, since it never changes, in each process too: pages
touch neither the disk, nor the database, nor (after a photo's first showing) the cache.

Crops (16:9 for lists, 1:1 for Terpopuler, 1.91:1 for social cards) are the largest box of
their shape inside the master, centred on the focal point and moved inwards where it would
leave the picture (`crop_box`), so the focal point is always inside.
"""

import logging
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import PurePosixPath

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tasks import task
from PIL import Image, ImageOps, UnidentifiedImageError

from ..models import Photo
from .images import DECODE_ERRORS, make_master, master_size, upright_size

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Use:
    """How a photo is shown: the widths made for it, a fixed shape or its own, the formats.

    Widths are those the layout's `sizes` can choose on 1x-3x screens: a card is at most
    160 CSS px wide (480 device px), Terpopuler's square 64 (192), a story's photo 780 (1,560).
    """

    widths: tuple
    aspect: tuple | None = None  # (width, height) to crop to, or None to keep the photo's own
    formats: tuple = ("avif", "webp", "jpg")

    @property
    def key(self):
        """`480@16x9.avif-webp-jpg`: changes when the sizes do, so old cache entries go unused."""
        crop = f"@{self.aspect[0]}x{self.aspect[1]}" if self.aspect else ""
        return "-".join(map(str, self.widths)) + crop + "." + "-".join(self.formats)


USES = {
    "small": Use(widths=(480,), aspect=(16, 9)),  # story cards and section blocks
    "square": Use(widths=(480,), aspect=(1, 1)),  # Terpopuler
    "large": Use(widths=(480, 800, 1200, 1600)),  # the lead story and the article page
    "social": Use(widths=(1200,), aspect=(191, 100), formats=("jpg",)),  # og:image, JSON-LD
}
FORMATS = {
    "avif": ("AVIF", "image/avif"),
    "webp": ("WEBP", "image/webp"),
    "jpg": ("JPEG", "image/jpeg"),
}
FORMAT_OF = {mime_type: pillow_format for pillow_format, mime_type in FORMATS.values()}
QUALITY = {"AVIF": 60, "WEBP": 80, "JPEG": 80}
# libaom's speed, 0 (slowest, smallest) to 10 (README "Photos" has the figures).
AVIF_SPEED = 6
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
    """One use of one photo: the same sizes in each format (empty where the use has
    none), smallest first."""

    avif: tuple
    webp: tuple
    jpeg: tuple

    @property
    def largest(self):
        return self.jpeg[-1]

    @property
    def every(self):
        return self.avif + self.webp + self.jpeg


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
    """The master cannot be read now; not remembered, so a later request tries again."""


def focal_of(photo, use_name):
    """The focal point in thousandths for a cropped use, () for one that keeps the shape:
    what the rendition's name and cache key carry."""
    if USES[use_name].aspect is None:
        return ()
    return (round(photo.focal_x * 1000), round(photo.focal_y * 1000))


def rendition_set(photo, use_name):
    """The renditions of `photo` for a use, made on first request; None without a master."""
    if photo is None or not photo.image:
        return None
    try:
        return known_renditions(photo.image.name, use_name, focal_of(photo, use_name))
    except Unreadable:
        return None


@lru_cache(maxsize=PHOTOS_REMEMBERED_PER_PROCESS)
def known_renditions(master_name, use_name, focal=()):
    """The renditions of one stored master, from this process's memory, the cache or made.

    A card list showed 15-35 photos, each a cache round trip per request before
    this process-level memory; a master's name is never reused, and the focal point is
    part of the key, so it cannot go stale.
    """
    use = USES[use_name]
    # "v3": AVIF, crops round a focal point, the social card.
    key = f"renditions:v3:{master_name}:{use.key}:{'-'.join(map(str, focal))}"
    made = cache.get(key)
    if made is None:
        made = make_renditions(master_name, use, focal)
        if made is None:
            raise Unreadable(master_name)
        cache.set(key, made, CACHE_SECONDS)
    return made


def crop_box(width, height, aspect, focal):
    """The largest `aspect` box inside a `width`×`height` picture, centred on `focal`
    (fractions 0..1) and moved inwards where it would leave the picture: the focal point
    is always inside it. (left, top, right, bottom), floats, as Image.resize takes."""
    shape = aspect[0] / aspect[1]
    box_width, box_height = (
        (width, width / shape) if width / height < shape else (height * shape, height)
    )
    left = min(max(focal[0] * width - box_width / 2, 0), width - box_width)
    top = min(max(focal[1] * height - box_height / 2, 0), height - box_height)
    return (left, top, left + box_width, top + box_height)


def make_renditions(master_name, use, focal=()):
    """Store the renditions of one master that are missing; None if it is unreadable.

    Sizes come from the header alone, so when every file exists (say, after the
    cache was emptied) the photo is not decoded at all.
    """
    try:
        with default_storage.open(master_name) as master, Image.open(master) as image:
            width, height = upright_size(image)
            box = crop_box(width, height, use.aspect, _fractions(focal)) if use.aspect else None
            fills = box[2] - box[0] if box else width
            sizes = [_size(width, height, target, use.aspect) for target in _widths(use, fills)]
            sizes = [(w, h) for w, h in sizes if h <= LONGEST_SIDE]
            if not sizes:
                raise ValueError(f"every rendition would be taller than {LONGEST_SIDE} px")
            made = {
                suffix: tuple(
                    Rendition(
                        rendition_name(master_name, w, h, use, suffix, focal),
                        w,
                        h,
                        FORMATS[suffix][1],
                    )
                    for w, h in sizes
                )
                if suffix in use.formats
                else ()
                for suffix in FORMATS
            }
            every = made["avif"] + made["webp"] + made["jpg"]
            missing = [r for r in every if not default_storage.exists(r.name)]
            if missing:
                _store(image, missing, box, width)
    # ValueError: also what Pillow raises for a picture it cannot encode, which failed the page.
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        logger.warning("Foto %s tidak bisa dibaca; ditampilkan tanpa gambar.", master_name)
        return None
    return RenditionSet(avif=made["avif"], webp=made["webp"], jpeg=made["jpg"])


def rendition_name(master_name, width, height, use, suffix, focal=()):
    """`renditions/<master>-<width>x<height>[-<crop>-f<x>-<y>].<suffix>`: the master's name
    ends in its own suffix, so what follows it can be read back one way only."""
    crop = f"-{use.aspect[0]}x{use.aspect[1]}" if use.aspect else ""
    at = f"-f{focal[0]}-{focal[1]}" if use.aspect else ""
    return f"renditions/{master_name}-{width}x{height}{crop}{at}.{suffix}"


def _fractions(focal):
    return (focal[0] / 1000, focal[1] / 1000) if focal else (0.5, 0.5)


def _widths(use, fills):
    """The use's widths the master (or its crop) can fill, and at least one (never upscaled)."""
    return [w for w in use.widths if w <= fills] or [max(1, int(fills))]


def _size(width, height, target_width, aspect):
    if aspect is None:
        return target_width, max(1, round(height * target_width / width))
    return target_width, max(1, round(target_width * aspect[1] / aspect[0]))


def _store(image, missing, box, width):
    """Decode the master once, upright; each rendition resized from its crop box.

    A photo stored before masters existed may be larger than one (up to 40 MP): it is
    decoded at a reduced scale (JPEG draft) no smaller than a master, as masters are."""
    image.draft(None, master_size(*image.size))
    upright = ImageOps.exif_transpose(image)
    if box is not None and upright.width != width:
        scale = upright.width / width
        box = tuple(side * scale for side in box)
    for rendition in missing:
        size = (rendition.width, rendition.height)
        resized = upright.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
        _save(resized, rendition.name, FORMAT_OF[rendition.mime_type])


def _save(image, name, pillow_format):
    if pillow_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif pillow_format in ("WEBP", "AVIF") and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    options = {"quality": QUALITY[pillow_format]}
    if pillow_format == "JPEG":
        options |= {"optimize": True, "progressive": True}
    elif pillow_format == "AVIF":
        options |= {"speed": AVIF_SPEED}
    buffer = BytesIO()
    image.save(buffer, pillow_format, **options)
    stored = default_storage.save(name, ContentFile(buffer.getvalue()))
    if stored != name:
        # Another process stored this very rendition since we looked; the storage kept
        # ours under a free name (get_available_name) that nothing would ever show.
        default_storage.delete(stored)


def ensure_master(photo):
    """Make and store the master of a photo uploaded over MASTER_SIDE px (kept as its
    original, the master left to here). True if one was made now."""
    if photo.image or not photo.original:
        return False
    try:
        with photo.original.open("rb") as original:
            master, _, _ = make_master(original)
    except DECODE_ERRORS:  # checked on upload by its header and checksums, yet undecodable
        logger.warning("Foto %s: berkas aslinya tidak bisa dibaca.", photo.original.name)
        return False
    photo.image.save(PurePosixPath(photo.original.name).name, master, save=False)
    Photo.objects.filter(pk=photo.pk).update(
        image=photo.image.name, width=photo.width, height=photo.height
    )
    return True


def remove_other_crops(photo):
    """Delete the crops of the photo's master at any focal point but its present one:
    called once the pages that showed them are purged."""
    if not photo.image:
        return 0
    folder, stem = (
        str(PurePosixPath("renditions", photo.image.name).parent),
        PurePosixPath(photo.image.name).name,
    )
    kept = {
        rendition.name
        for use_name, use in USES.items()
        if use.aspect
        for rendition in (rendition_set(photo, use_name) or RenditionSet((), (), ())).every
    }
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return 0
    removed = 0
    for file_name in files:
        name = f"{folder}/{file_name}"
        rest = file_name[len(stem) :]
        if file_name.startswith(stem + "-") and "-f" in rest and name not in kept:
            default_storage.delete(name)
            removed += 1
    return removed


def make_all(photo):
    """Every rendition of every use; False if the master cannot be read."""
    return all(rendition_set(photo, use) is not None for use in USES)


@task()
def make_photo_renditions(photo_id):
    """A new photo's master (when its upload was large) and every rendition, stored once
    for every app server."""
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is not None:
        ensure_master(photo)
        if photo.image:
            make_all(photo)
