"""Large originals: kept privately, a 2,560 px sRGB master made by the worker, crops round
the focal point, names that never collide, and no stale crop left behind."""

import re
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from articles.editorial import photos
from articles.editorial.photos import refresh_photo
from articles.management.commands import makerenditions
from articles.media import renditions
from articles.media.images import MASTER_SIDE, make_master
from articles.models import Photo
from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db


def encoded(image, image_format, **options):
    buffer = BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def upload(admin_client, name, content, **fields):
    return admin_client.post(
        reverse("admin:articles_photo_add"),
        {"caption": "Banjir di Dayeuhkolot", "credit": "Dok. Redaksi", **fields,
         "image": SimpleUploadedFile(name, content)},
    )  # fmt: skip


def uploaded_and_processed(admin_client, name, content):
    response = upload(admin_client, name, content)
    assert response.status_code == 302, response.context["adminform"].form.errors
    photo = Photo.objects.get()
    assert not photo.image and photo.original  # no web request decodes it in full
    refresh_photo.call(photo.pk)
    photo.refresh_from_db()
    return photo


@pytest.mark.parametrize(
    ("name", "size", "image_format"),
    [("kamera.jpg", (8000, 6000), "JPEG"), ("pindaian.png", (12_247, 8_165), "PNG")],
    ids=["48-megapixel-jpeg", "100-megapixel-png"],
)
def test_a_large_upload_is_kept_as_original_and_every_rendition_comes_from_its_master(
    admin_client, client, name, size, image_format
):
    content = encoded(Image.new("RGB", size, (40, 120, 200)), image_format)

    photo = uploaded_and_processed(admin_client, name, content)

    with photo.original.open("rb") as kept:
        assert kept.read() == content  # the original as it came
    assert photo.original.storage is storages["originals"]
    with pytest.raises(ValueError):
        photo.original.url  # no public address  # noqa: B018
    assert max(photo.width, photo.height) == MASTER_SIDE
    with default_storage.open(photo.image.name) as master, Image.open(master) as image:
        assert image.size == (photo.width, photo.height) and max(image.size) <= MASTER_SIDE
    for use_name in renditions.USES:
        made = renditions.rendition_set(photo, use_name)
        assert made.every and all(default_storage.exists(r.name) for r in made.every)
    html = client.get(make_article(photo=photo).get_absolute_url()).content.decode()
    assert re.search(r'<source type="image/avif" srcset="/media/renditions/\S+\.avif 480w', html)
    assert 'width="1600" height="' in html


def test_a_sideways_phone_photo_comes_out_upright_from_the_worker(admin_client):
    """EXIF orientation 6 (turn 90° clockwise) on a photo large enough for draft decoding."""
    image = Image.new("RGB", (4000, 3000), (30, 80, 140))
    image.paste((250, 250, 250), (0, 0, 1000, 750))  # marks the stored top-left corner
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    photo = uploaded_and_processed(admin_client, "ponsel.jpg", encoded(image, "JPEG", exif=exif))

    assert (photo.width, photo.height) == (1920, 2560)
    with default_storage.open(photo.image.name) as master, Image.open(master) as stored:
        assert dict(stored.getexif()) == {}
        assert min(stored.convert("RGB").getpixel((stored.width - 20, 20))) > 200  # top right
        assert max(stored.convert("RGB").getpixel((20, 20))) < 160


def test_a_cmyk_jpeg_comes_out_srgb():
    """A print desk's CMYK JPEG (pure magenta+yellow: red) becomes an RGB master."""
    cmyk = encoded(Image.new("CMYK", (3000, 2000), (0, 255, 255, 0)), "JPEG", quality=95)

    master, width, height = make_master(BytesIO(cmyk))

    with Image.open(master) as image:
        assert image.mode == "RGB" and image.format == "JPEG" and (width, height) == (2560, 1707)
        assert "icc_profile" not in image.info
        red, green, blue = image.getpixel((100, 100))
    assert red > 200 and green < 60 and blue < 60


def test_an_embedded_colour_profile_is_converted_to_srgb():
    """An Adobe-RGB-like profile is applied to the pixels; the master carries none."""
    from PIL import ImageCms

    lab_ish = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    content = encoded(Image.new("RGB", (600, 400), (200, 50, 50)), "JPEG", icc_profile=lab_ish)

    master, _, _ = make_master(BytesIO(content))

    with Image.open(master) as image:
        assert "icc_profile" not in image.info
        red, green, blue = image.getpixel((10, 10))
    assert abs(red - 200) < 8 and abs(green - 50) < 8


CORNERS = [(0, 0), (1, 0), (0, 1), (1, 1), (0.02, 0.98), (0.97, 0.03), (0.5, 0.5), (0.999, 0.5)]


@pytest.mark.parametrize("aspect", [(16, 9), (1, 1), (191, 100)])
@pytest.mark.parametrize("size", [(2560, 1707), (1707, 2560), (2560, 1440), (300, 3000)])
def test_a_crop_keeps_the_focal_point_inside_for_points_near_every_corner(aspect, size):
    width, height = size
    for focal in CORNERS:
        left, top, right, bottom = renditions.crop_box(width, height, aspect, focal)
        assert 0 <= left <= focal[0] * width <= right <= width + 1e-9
        assert 0 <= top <= focal[1] * height <= bottom <= height + 1e-9
        assert (right - left) / (bottom - top) == pytest.approx(aspect[0] / aspect[1])
        # The largest such box: it spans the whole width or the whole height.
        assert right - left == pytest.approx(width) or bottom - top == pytest.approx(height)
    # Centred where there is room: a point in the middle gives a centred box.
    left, top, right, bottom = renditions.crop_box(2560, 1707, (1, 1), (0.5, 0.5))
    assert (left + right) / 2 == pytest.approx(1280)


def test_the_crop_follows_the_focal_point_in_the_pixels():
    """A white mark on the right: with the focal point on it, the square crop shows it."""
    image = Image.new("RGB", (2000, 1000), (20, 20, 20))
    image.paste((255, 255, 255), (1800, 400, 2000, 600))
    photo = make_photo(width=10, height=10)
    photo.image.save("mark.png", ContentFile(encoded(image, "PNG")), save=False)
    photo.focal_x, photo.focal_y = 0.95, 0.5
    photo.save()

    square = renditions.rendition_set(photo, "square").jpeg[0]

    with default_storage.open(square.name) as stored, Image.open(stored) as crop:
        assert min(crop.convert("RGB").getpixel((crop.width - 10, crop.height // 2))) > 200


def test_rendition_names_never_collide_across_uses_sizes_formats_and_focal_points():
    photo = make_photo(width=2560, height=1707)
    names = [r.name for r in renditions.rendition_set(photo, "large").every]
    for focal in [(0.5, 0.5), (0.1, 0.9), (0.9, 0.1)]:
        photo.focal_x, photo.focal_y = focal
        for use_name in ("small", "square", "social"):
            names += [r.name for r in renditions.rendition_set(photo, use_name).every]
    assert len(names) == len(set(names)) == 12 + 3 * (3 + 3 + 1)
    for name in names:  # each file holds what its name says
        size = re.search(r"^(\d+)x(\d+)", name.rsplit("/", 1)[1].split(".jpeg-")[1])
        with default_storage.open(name) as stored, Image.open(stored) as image:
            assert image.size == (int(size[1]), int(size[2]))


def test_a_new_focal_point_purges_the_photos_pages_and_leaves_no_stale_crop(
    admin_client, monkeypatch, django_capture_on_commit_callbacks
):
    photo = make_photo(width=2560, height=1707)
    story = make_article(photo=photo)
    old = {
        r.name
        for use in ("small", "square", "social")
        for r in renditions.rendition_set(photo, use).every
    }
    assert all(default_storage.exists(name) for name in old)
    purged, queued = [], []
    monkeypatch.setattr(
        photos, "purge_on_commit", lambda site_ids, edge_tags: purged.append((site_ids, edge_tags))
    )
    monkeypatch.setattr(photos, "enqueue_on_commit", lambda job, *args: queued.append(args))

    url = reverse("admin:articles_photo_change", args=[photo.pk])
    form = {"caption": photo.caption, "credit": photo.credit, "focal_x": "0.1", "focal_y": "0.2",
            "sites": [site.pk for site in photo.sites.all()]}  # fmt: skip
    response = admin_client.post(url, form)

    assert response.status_code == 302
    assert purged == [({story.site_id}, [f"story-{story.pk}"])]
    assert queued == [(photo.pk,)]
    refresh_photo.call(photo.pk)
    photo.refresh_from_db()
    new = {
        r.name
        for use in ("small", "square", "social")
        for r in renditions.rendition_set(photo, use).every
    }
    assert all("-f100-200." in name for name in new) and all(default_storage.exists(n) for n in new)
    assert not any(default_storage.exists(name) for name in old)  # no stale crop served
    assert all(
        default_storage.exists(r.name) for r in renditions.rendition_set(photo, "large").every
    )


def test_the_library_finds_photos_by_caption_credit_uploader_and_shows_where_they_are_used(
    admin_client, admin_user
):
    mine = make_photo(caption="Pasar Baru", credit="Antara", uploaded_by=admin_user)
    other = make_photo(caption="Gedung Sate", credit="Dok. Redaksi")
    story = make_article(photo=mine, headline="Pasar ramai menjelang Lebaran")
    changelist = reverse("admin:articles_photo_changelist")

    for query in ("Pasar", "Antara", admin_user.username):
        html = admin_client.get(changelist, {"q": query}).content.decode()
        assert "Pasar Baru" in html and "Gedung Sate" not in html, query
    html = admin_client.get(changelist).content.decode()
    assert html.count('class="photo-library__thumb"') == 2
    change = admin_client.get(reverse("admin:articles_photo_change", args=[mine.pk]))
    page = change.content.decode()
    assert (
        story.headline in page
        and "data-focal-picker" in page
        and "style=" not in page.split("data-focal-picker")[1][:400]
    )
    assert other.caption not in page


def test_choosing_a_photo_gives_the_story_form_its_caption_and_credit(admin_client):
    photo = make_photo(caption="Warga antre air bersih", credit="ANTARA/Raisan")

    response = admin_client.get(reverse("admin:articles_photo_defaults", args=[photo.pk]))

    assert response.json() == {"caption": "Warga antre air bersih", "credit": "ANTARA/Raisan"}
    assert (
        admin_client.get(reverse("admin:articles_photo_defaults", args=[photo.pk + 99])).status_code
        == 404
    )
    form = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "js/photo-defaults.js" in form


def test_makerenditions_resumes_after_the_last_photo_done(monkeypatch):
    from django.core.cache import cache
    from django.core.management import call_command

    first, second = make_photo(width=800, height=600), make_photo(width=800, height=600)
    cache.set("makerenditions:done", first.pk)
    done = []
    monkeypatch.setattr(renditions, "make_all", lambda photo: done.append(photo.pk) or True)

    call_command("makerenditions", stdout=BytesIO_text())

    assert done == [second.pk] and cache.get("makerenditions:done") is None
    queued = []

    class Queue:
        enqueue = staticmethod(queued.append)

    monkeypatch.setattr(makerenditions, "refresh_photo", Queue)
    call_command("makerenditions", "--background", stdout=BytesIO_text())
    assert queued == [first.pk, second.pk]


def BytesIO_text():  # noqa: N802
    from io import StringIO

    return StringIO()


def test_a_photo_stored_before_masters_is_decoded_reduced_and_cropped_right():
    """Earlier photos (up to 40 MP) are their own master: decoded at a JPEG draft scale,
    their crop box scaled with it."""
    image = Image.new("RGB", (6000, 3000), (20, 20, 20))
    image.paste((255, 255, 255), (5400, 1200, 6000, 1800))  # a white mark on the right
    photo = make_photo(width=10, height=10, focal_x=0.95, focal_y=0.5)
    photo.image.save("lama.jpg", ContentFile(encoded(image, "JPEG")), save=False)
    photo.save()

    square = renditions.rendition_set(photo, "square").jpeg[0]
    large = renditions.rendition_set(photo, "large").largest

    assert (large.width, large.height) == (1600, 800)
    with default_storage.open(square.name) as stored, Image.open(stored) as crop:
        assert crop.size == (480, 480)
        assert min(crop.convert("RGB").getpixel((crop.width - 10, crop.height // 2))) > 200
        assert max(crop.convert("RGB").getpixel((10, crop.height // 2))) < 60
