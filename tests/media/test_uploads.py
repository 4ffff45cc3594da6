"""Photo uploads through the admin and the model: real images only, limits, no location kept."""

import struct
import zlib
from io import BytesIO
from pathlib import PurePosixPath

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from articles.admin import ArticleAdminForm
from articles.editorial.photos import refresh_photo
from articles.models import Photo
from tests.factories import image_bytes

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


def located_exif(orientation=1):
    """EXIF as a phone writes it: camera make, orientation and where the photo was taken."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "KameraPonsel"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "S",
        ExifTags.GPS.GPSLatitude: (6.0, 54.0, 12.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (107.0, 36.0, 3.25),
    }
    return exif


def png_header_only(width, height):
    """A tiny PNG whose header claims `width`×`height`: a decompression bomb's calling card."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def upload(admin_client, name, content):
    return admin_client.post(
        reverse("admin:articles_photo_add"),
        {
            "caption": "Suasana pasar",
            "credit": "Dok. Redaksi",
            "image": SimpleUploadedFile(name, content),
        },
    )


def form_errors(response):
    return response.context["adminform"].form.errors.get("image", [])


@pytest.mark.parametrize(
    ("image_format", "suffix", "master_format"),
    [("JPEG", ".jpg", "JPEG"), ("PNG", ".png", "PNG"), ("WEBP", ".jpg", "JPEG")],
)
def test_admin_accepts_real_photos_and_stores_them_under_a_generated_name(
    admin_client, image_format, suffix, master_format
):
    """The master is JPEG (PNG from a PNG); the original is kept as it came, privately."""
    response = upload(admin_client, "../../Rahasia Narasumber.JPG", image_bytes(image_format))

    assert response.status_code == 302, form_errors(response)
    photo = Photo.objects.get()
    stored = PurePosixPath(photo.image.name)
    assert stored.parts[0] == "foto" and stored.suffix == suffix
    assert len(stored.stem) == 32 and "Rahasia" not in photo.image.name
    assert (photo.width, photo.height) == (40, 30)
    with Image.open(photo.image.path) as stored_image:
        assert stored_image.format == master_format
    assert photo.original.storage is storages["originals"]
    assert not photo.original.path.startswith(str(settings.MEDIA_ROOT))
    with photo.original.open("rb") as kept:
        assert kept.read() == image_bytes(image_format)


def test_the_stored_suffix_comes_from_the_bytes_not_the_uploaders_name(admin_client):
    response = upload(admin_client, "foto.jpg", image_bytes("PNG"))

    assert response.status_code == 302, form_errors(response)
    assert Photo.objects.get().image.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", SVG),
        ("logo.jpg", SVG),
        ("halaman.png", b"<html><script>alert(1)</script></html>"),
        ("animasi.gif", image_bytes("GIF")),
        ("foto.jpg", image_bytes("BMP")),
        ("foto.jpg", image_bytes("TIFF")),
        ("foto.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
        ("kosong.jpg", b"\xff\xd8\xff"),
    ],
    ids=[
        "svg",
        "svg-named-jpg",
        "html-named-png",
        "gif",
        "bmp-named-jpg",
        "tiff",
        "pdf",
        "jpeg-stub",
    ],
)
def test_admin_refuses_anything_that_is_not_a_jpeg_png_or_webp(admin_client, name, content):
    response = upload(admin_client, name, content)

    assert response.status_code == 200
    assert form_errors(response) == ["Berkas ini bukan foto JPEG, PNG atau WebP."]
    assert not Photo.objects.exists()


def test_a_truncated_photo_is_refused_as_broken(admin_client):
    photo = image_bytes("JPEG", size=(400, 300))

    response = upload(admin_client, "foto.jpg", photo[: len(photo) // 2])

    assert form_errors(response) == [
        "Berkas foto rusak atau terpotong; unggah ulang dari berkas aslinya."
    ]


def test_an_animated_picture_is_refused(admin_client):
    frames = [Image.new("RGB", (20, 20), colour) for colour in ("red", "blue")]
    output = BytesIO()
    frames[0].save(output, "WEBP", save_all=True, append_images=frames[1:])

    response = upload(admin_client, "animasi.webp", output.getvalue())

    assert form_errors(response) == ["Gambar bergerak (animasi) tidak bisa dipakai sebagai foto."]


@pytest.mark.parametrize(
    "content",
    [png_header_only(100_000, 100_000), png_header_only(10_001, 10_000)],
    ids=["header-claims-10-gigapixels", "just-over-100-megapixels"],
)
def test_pictures_over_the_pixel_limit_are_refused_with_a_clear_error(admin_client, content):
    response = upload(admin_client, "besar.png", content)

    assert form_errors(response) == [
        "Ukuran gambar terlalu besar: paling banyak 100 juta piksel (gambar sebesar ini "
        "bisa menjadi bom dekompresi yang menghabiskan memori server). "
        "Perkecil fotonya lalu unggah lagi."
    ]


@pytest.mark.parametrize("size", [(1, 39_000_000), (39_000_000, 1), (20_001, 1_000)])
def test_a_side_over_20000_pixels_is_refused_from_the_header(admin_client, size):
    """Within the pixel limit, yet 1×39,000,000 took 8-13 s to decode here."""
    response = upload(admin_client, "panjang.png", png_header_only(*size))

    assert form_errors(response) == [
        f"Sisi gambar terlalu panjang ({max(size)} piksel): paling panjang 20000 piksel. "
        "Perkecil fotonya lalu unggah lagi."
    ]
    assert not Photo.objects.exists()


@pytest.mark.parametrize("size", [(2_100, 100), (100, 2_100)])
def test_a_picture_more_elongated_than_1_to_20_is_refused(admin_client, size):
    response = upload(admin_client, "panorama.png", image_bytes("PNG", size=size))

    assert form_errors(response) == [
        f"Bentuk gambar terlalu memanjang ({size[0]}×{size[1]} piksel): sisi panjangnya "
        "paling banyak 20 kali sisi pendeknya. Potong fotonya lalu unggah lagi."
    ]
    assert not Photo.objects.exists()


def test_a_1_to_20_picture_at_the_largest_side_is_accepted(admin_client):
    response = upload(admin_client, "panorama.png", image_bytes("PNG", size=(20_000, 1_000)))

    assert response.status_code == 302, form_errors(response)
    photo = Photo.objects.get()
    assert not photo.image and photo.original  # its master is the worker's to make
    refresh_photo.call(photo.pk)
    photo.refresh_from_db()
    assert (photo.width, photo.height) == (2560, 128)


def test_files_over_the_size_limit_are_refused_before_decoding(admin_client, settings):
    settings.PHOTO_MAX_BYTES = 2**20
    noisy = Image.effect_noise((1200, 1200), 100).convert("RGB")
    output = BytesIO()
    noisy.save(output, "PNG")
    assert output.tell() > 2**20

    response = upload(admin_client, "noise.png", output.getvalue())

    assert form_errors(response)[0].startswith("Berkas foto terlalu besar (")
    assert not Photo.objects.exists()


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_location_and_camera_data_are_stripped_and_the_photo_stays_upright(
    admin_client, image_format
):
    """EXIF orientation 6 (turn 90° clockwise) is applied to the pixels, then all EXIF goes."""
    original = image_bytes(image_format, size=(40, 30), exif=located_exif(orientation=6))
    assert Image.open(BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    response = upload(admin_client, "lokasi.jpg", original)

    assert response.status_code == 302, form_errors(response)
    photo = Photo.objects.get()
    stored_bytes = photo.image.read()
    assert b"KameraPonsel" not in stored_bytes
    with Image.open(BytesIO(stored_bytes)) as stored:
        assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert dict(stored.getexif()) == {}
        assert stored.size == (30, 40) == (photo.width, photo.height)
        # The left (red) half of the sensor is the top once turned upright.
        red, _, blue = stored.convert("RGB").getpixel((15, 5))
        assert red > 200 and blue < 50


def test_the_story_forms_in_place_photo_upload_uses_the_same_check():
    field = ArticleAdminForm().fields["photo_image"]

    with pytest.raises(ValidationError) as refused:
        field.clean(SimpleUploadedFile("logo.jpg", SVG))

    assert refused.value.messages == ["Berkas ini bukan foto JPEG, PNG atau WebP."]
    assert (
        field.clean(SimpleUploadedFile("foto.jpg", image_bytes("WEBP"))).content_type
        == "image/webp"
    )


def test_the_model_refuses_bad_uploads_outside_the_admin_too():
    photo = Photo(caption="Logo", image=SimpleUploadedFile("logo.png", SVG))

    with pytest.raises(ValidationError) as refused:
        photo.full_clean()

    assert refused.value.message_dict["image"] == ["Berkas ini bukan foto JPEG, PNG atau WebP."]


def test_photos_saved_by_code_are_stripped_of_location_as_well():
    photo = Photo.objects.create(
        caption="Dari kode",
        image=SimpleUploadedFile("lokasi.jpg", image_bytes("JPEG", exif=located_exif())),
    )

    with Image.open(photo.image.path) as stored:
        assert not stored.getexif()
    assert photo.image.name.endswith(".jpg") and "lokasi" not in photo.image.name


def test_a_stored_photo_is_not_re_encoded_when_only_the_caption_changes():
    photo = Photo.objects.create(
        caption="Awal", image=SimpleUploadedFile("a.png", image_bytes("PNG"))
    )
    name = photo.image.name

    photo.caption = "Diubah"
    photo.full_clean()
    photo.save()

    photo.refresh_from_db()
    assert photo.image.name == name
