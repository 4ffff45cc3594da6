"""Photo uploads: only real JPEG, PNG and WebP images, within limits; the original kept
privately, and a master without location is what readers' renditions are made from.

`PhotoImageField` is the one door every entry point goes through: its validator runs
in the admin's form and in `full_clean()`, and its `pre_save` keeps a new upload as it
came in the private "originals" storage (never under a public URL) and stores, in its
place, the master: upright, in sRGB, at most MASTER_SIDE px on its longest side, with no
metadata, so EXIF GPS never reaches a public file. A master that takes a large decode
(over MASTER_SIDE px) is made by the task worker (`make_master`); the field stays empty
until then. The format comes from decoding the bytes with Pillow, never from the file name.

Decoding stays within a memory bound: a JPEG is decoded at the smallest DCT scale that is
still large enough (draft mode: a 48 MP one at 1/2, 12 MP); other formats are decoded
once and reduced by an integer factor (`Image.reduce`) before any further work.
"""

import warnings
from io import BytesIO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError

# Pillow format name -> suffix of the stored file. Only these decoders are ever tried.
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)
MASTER_SIDE = 2560  # the master's longest side, px: twice the widest rendition's 1,280 CSS px
MASTER_QUALITY = 90
SIDEWAYS = {5, 6, 7, 8}  # EXIF orientations that swap width and height
# A JPEG of this many pixels or fewer is decoded in full on upload; above, at a reduced
# scale (draft), which reads every byte (so a truncated file is still refused).
FULL_CHECK_PIXELS = 4_000_000
SRGB = ImageCms.createProfile("sRGB")


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
            "Ukuran gambar terlalu besar: paling banyak %(limit)s juta piksel (gambar "
            "sebesar ini bisa menjadi bom dekompresi yang menghabiskan memori server). "
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
        check_decodes(file, image)
    except DECODE_ERRORS as error:
        raise ValidationError(
            _("Berkas foto rusak atau terpotong; unggah ulang dari berkas aslinya."), code="broken"
        ) from error
    return image


def check_decodes(file, image):
    """Every byte of the picture decodes, within a memory bound: a JPEG at a reduced
    scale, a PNG by its chunks' checksums (not decompressed here: the worker does it),
    a WebP (at most 16,383 px a side) in full."""
    if image.format == "JPEG":
        if image.width * image.height > FULL_CHECK_PIXELS:
            image.draft(None, (image.width // 8 or 1, image.height // 8 or 1))
        image.load()
    elif image.format == "PNG":
        image.verify()
        file.seek(0)
    else:
        image.load()


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


def upright_size(image):
    """(width, height) as readers see the picture, from the header and EXIF alone."""
    width, height = image.size
    if image.getexif().get(ExifTags.Base.Orientation) in SIDEWAYS:
        return height, width
    return width, height


def master_size(width, height, longest=MASTER_SIDE):
    """The size a `width`×`height` picture is brought to: at most `longest` px a side."""
    scale = min(1, longest / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def decode_bounded(image, size):
    """`image` decoded to at least `size` (stored orientation) and not much more: a JPEG
    at the smallest DCT scale still this large (draft), others decoded once and reduced
    by the largest integer factor that keeps them this large."""
    if image.format == "JPEG":
        image.draft(None, size)  # before load(): the decoder works at 1/2, 1/4 or 1/8
        image.load()
        return image
    image.load()
    factor = min(image.width // size[0], image.height // size[1])
    return image.reduce(factor) if factor > 1 else image


def to_srgb(image):
    """RGB(A) or L pixels in sRGB, whatever the file's mode and embedded ICC profile:
    a CMYK JPEG from a print desk, an Adobe RGB one, a 16-bit PNG."""
    icc = image.info.get("icc_profile")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode.startswith("I;16") or image.mode == "I":
        image = image.point(lambda value: value / 256).convert("L")
    elif image.mode == "LA":
        image = image.convert("RGBA")
    has_alpha = image.mode in ("RGBA", "PA")
    output_mode = "RGBA" if has_alpha else ("L" if image.mode in ("L", "1") else "RGB")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(icc))
            if output_mode == "L" and image.mode == "L":
                return image  # grey stays grey
            return ImageCms.profileToProfile(
                image, source, SRGB, outputMode=output_mode if output_mode != "L" else "RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: taken as sRGB, as browsers do
    return image.convert(output_mode) if image.mode != output_mode else image


def make_master(file):
    """The master of a stored or uploaded picture: (ContentFile, width, height).

    Upright (EXIF orientation applied), in sRGB, at most MASTER_SIDE px on its longest
    side, JPEG (PNG from a PNG or where it is transparent), with no EXIF, XMP, ICC or
    comments.
    """
    file.seek(0)
    with warnings.catch_warnings():
        # Checked against PHOTO_MAX_PIXELS on upload (Pillow warns from 89 MP).
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        original = Image.open(file, formats=list(FORMATS))
    with original:
        image_format = original.format
        orientation = original.getexif().get(ExifTags.Base.Orientation)
        width, height = original.size
        target = master_size(width, height)
        decoded = decode_bounded(original, target)
        icc = decoded.info.get("icc_profile") or original.info.get("icc_profile")
        if icc:
            decoded.info["icc_profile"] = icc
        image = to_srgb(decoded)
        del decoded
        if image.size != target:  # after the colour conversion: fewer pixels to convert
            image = image.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
        image = _transposed(image, orientation)
        if image is original:
            image = image.copy()  # the file closes here
    output = BytesIO()
    if image.mode == "RGBA" or image_format == "PNG":  # transparent, or drawn: lossless
        image.save(output, "PNG", optimize=True)
        suffix = ".png"
    else:
        image.save(output, "JPEG", quality=MASTER_QUALITY, optimize=True, progressive=True)
        suffix = ".jpg"
    return ContentFile(output.getvalue(), name=f"foto{suffix}"), image.width, image.height


def _transposed(image, orientation):
    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return image.transpose(method) if method is not None else image


class PrivateFileSystemStorage(FileSystemStorage):
    """Files with no public address: the originals. `url()` refuses, so no template or
    admin page can link one by mistake; the folder is outside MEDIA_ROOT and unserved."""

    def url(self, name):
        raise ValueError("Berkas asli foto tidak punya alamat publik.")


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
    """An ImageField that accepts only checked photos, keeps each new upload as it came in
    the model's `original_field` (private storage) and stores the master in its place.

    A picture over MASTER_SIDE px is left to the task worker (`make_master`): the field
    stays empty until then, so no web request decodes 100 MP.
    """

    def __init__(self, *args, original_field=None, **kwargs):
        kwargs.setdefault("validators", [validate_photo])
        self.original_field = original_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.original_field:
            kwargs["original_field"] = self.original_field
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhotoUploadField, **kwargs})

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            if self.original_field:
                file.seek(0)
                kept = getattr(model_instance, self.original_field)
                kept.save(file.name, file.file, save=False)
            file.seek(0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(file, formats=list(FORMATS)) as image:
                    small = max(image.size) <= MASTER_SIDE
            if small or not self.original_field:
                master, _, _ = make_master(file)
                file.file, file.name = master, master.name
            else:
                setattr(model_instance, self.attname, None)  # the worker makes it
        return super().pre_save(model_instance, add)
