"""Photo uploads: only real JPEG, PNG and WebP images, within limits, stored without location.

`PhotoImageField` is the one door every entry point goes through: its validator runs
in the admin's form and in `full_clean()`, and its `pre_save` re-encodes a new upload
before it reaches storage, so EXIF GPS (and every other piece of metadata) never does.
The format comes from decoding the bytes with Pillow, never from the file name.
"""

import warnings
from io import BytesIO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> suffix of the stored file. Only these decoders are ever tried.
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
# What survives re-encoding: colour and transparency, nothing about the camera or place.
KEPT_INFO = ("icc_profile", "transparency")
DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


def open_photo(file):
    """The decoded image in `file`, or a ValidationError that tells the editor what to do."""
    if file.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            _("Berkas foto terlalu besar (%(size).1f MB). Paling besar %(limit).0f MB."),
            code="file_too_large",
            params={"size": file.size / 2**20, "limit": settings.PHOTO_MAX_BYTES / 2**20},
        )
    too_many_pixels = ValidationError(
        _(
            "Ukuran gambar terlalu besar: paling banyak %(limit)s juta piksel. "
            "Perkecil fotonya lalu unggah lagi."
        ),
        code="too_many_pixels",
        params={"limit": settings.PHOTO_MAX_PIXELS // 1_000_000},
    )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Our own, lower pixel limit is checked below, before anything is decoded.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(file, formats=list(FORMATS))
    except Image.DecompressionBombError as bomb:
        raise too_many_pixels from bomb
    except DECODE_ERRORS as error:
        raise ValidationError(
            _("Berkas ini bukan foto JPEG, PNG atau WebP."), code="not_a_photo"
        ) from error
    if image.width * image.height > settings.PHOTO_MAX_PIXELS:
        raise too_many_pixels
    check_shape(*image.size)
    if getattr(image, "n_frames", 1) > 1:
        raise ValidationError(
            _("Gambar bergerak (animasi) tidak bisa dipakai sebagai foto."), code="animated"
        )
    try:
        image.load()
    except DECODE_ERRORS as error:
        raise ValidationError(
            _("Berkas foto rusak atau terpotong; unggah ulang dari berkas aslinya."), code="broken"
        ) from error
    return image


def check_shape(width, height):
    """Refuse a side over PHOTO_MAX_SIDE or sides more unequal than 1:PHOTO_MAX_ASPECT, from
    the header: a 1×39,000,000 picture is within the pixel limit, yet took seconds to decode
    here and half a minute for its renditions."""
    longest, shortest = max(width, height), min(width, height)
    if longest > settings.PHOTO_MAX_SIDE:
        raise ValidationError(
            _(
                "Sisi gambar terlalu panjang (%(side)s piksel): paling panjang %(limit)s "
                "piksel. Perkecil fotonya lalu unggah lagi."
            ),
            code="side_too_long",
            params={"side": longest, "limit": settings.PHOTO_MAX_SIDE},
        )
    if longest > shortest * settings.PHOTO_MAX_ASPECT:
        raise ValidationError(
            _(
                "Bentuk gambar terlalu memanjang (%(width)s×%(height)s piksel): sisi panjangnya "
                "paling banyak %(limit)s kali sisi pendeknya. Potong fotonya lalu unggah lagi."
            ),
            code="too_elongated",
            params={"width": width, "height": height, "limit": settings.PHOTO_MAX_ASPECT},
        )


def validate_photo(value):
    """Model-level check of a new upload; photos already stored were checked when they came."""
    if value and not getattr(value, "_committed", True):
        open_photo(value)


def without_metadata(file):
    """`file` re-encoded upright, with no EXIF, XMP or comments: the location never reaches disk.

    The EXIF orientation is applied to the pixels first, so the photo still shows the
    right way up and the stored width and height are the ones readers see.
    """
    file.seek(0)
    with Image.open(file, formats=list(FORMATS)) as original:
        image_format = original.format
        image = ImageOps.exif_transpose(original)
    image.info = {key: value for key, value in original.info.items() if key in KEPT_INFO}
    options = {"quality": 90} if image_format in {"JPEG", "WEBP"} else {"optimize": True}
    output = BytesIO()
    image.save(output, image_format, exif=b"", **options, **image.info)
    return ContentFile(output.getvalue(), name=f"foto{FORMATS[image_format]}")


class PhotoUploadField(forms.ImageField):
    """The admin's upload field: decodes once with our formats and limits, clear errors."""

    def to_python(self, data):
        file = forms.FileField.to_python(self, data)
        if file is None:
            return None
        image = open_photo(file)
        file.image = image
        file.content_type = Image.MIME[image.format]
        file.seek(0)
        return file


class PhotoImageField(models.ImageField):
    """An ImageField that accepts only checked photos and stores them without metadata."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_photo])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhotoUploadField, **kwargs})

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            cleaned = without_metadata(file)
            file.file, file.name = cleaned, cleaned.name
        return super().pre_save(model_instance, add)
