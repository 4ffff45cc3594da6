"""Photo renditions: made once, stored, upright, AVIF, WebP and JPEG, sized in the HTML."""

import re
import uuid
from datetime import timedelta
from io import BytesIO, StringIO

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image

from articles.media import renditions
from articles.models import Photo
from tests.conftest import clear_cache
from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db


def test_renditions_are_stored_once_in_avif_webp_and_jpeg(monkeypatch):
    """Once stored, a photo is not decoded again, even when the cache forgets it."""
    photo = make_photo(width=1600, height=1000)
    large = renditions.rendition_set(photo, "large")
    assert [(r.width, r.height) for r in large.jpeg] == [
        (480, 300),
        (800, 500),
        (1200, 750),
        (1600, 1000),
    ]
    assert [r.name.rsplit(".", 1)[1] for r in large.webp] == ["webp"] * 4
    assert [r.name.rsplit(".", 1)[1] for r in large.avif] == ["avif"] * 4
    for rendition in large.every:
        with default_storage.open(rendition.name) as stored, Image.open(stored) as image:
            assert image.size == (rendition.width, rendition.height)
            assert image.format == renditions.FORMAT_OF[rendition.mime_type]

    decoded = []
    monkeypatch.setattr(renditions, "_store", lambda *args: decoded.append(args))
    assert renditions.rendition_set(photo, "large") == large  # remembered
    renditions.known_renditions.cache_clear()
    assert renditions.rendition_set(photo, "large") == large  # from the shared cache
    clear_cache()
    renditions.known_renditions.cache_clear()
    assert renditions.rendition_set(photo, "large") == large  # found on disk, not made again
    assert decoded == []


def stored_sizes(made):
    sizes = {}
    for rendition in made.every:
        with default_storage.open(rendition.name) as stored, Image.open(stored) as image:
            sizes[rendition.name] = image.size
    return sizes


@pytest.mark.parametrize("size", [(1600, 1000), (100, 50)], ids=["large", "smaller-than-all"])
def test_every_use_and_size_has_its_own_file(size):
    """A card's 480 px crop (480x320) and the article's 480 px rendition (480x300) were one
    file, which the use made second showed at the other's shape; so were both uses' only
    rendition of a photo narrower than every width."""
    photo = make_photo(width=size[0], height=size[1])
    small, large = (renditions.rendition_set(photo, use) for use in ("small", "large"))

    for made in (small, large):
        assert stored_sizes(made) == {r.name: (r.width, r.height) for r in made.every}
    names = [r.name for made in (small, large) for r in made.every]
    assert len(set(names)) == len(names)


def test_a_very_tall_photo_gets_the_renditions_webp_can_hold(client):
    """Within the upload limits (1:14), yet its 1200 px rendition would be 17,000 px tall,
    beyond WebP's 16,383: encoding it raised, and every page showing the photo failed."""
    photo = make_photo(width=1200, height=17_000)

    large = renditions.rendition_set(photo, "large")

    assert [(r.width, r.height) for r in large.webp] == [(480, 6800), (800, 11333)]
    assert stored_sizes(large) == {r.name: (r.width, r.height) for r in large.every}
    assert client.get(make_article(photo=photo).get_absolute_url()).status_code == 200


def test_two_originals_that_differ_only_in_suffix_do_not_share_renditions():
    """Originals named by hand (imports, restores) need not have unique stems."""
    names = []
    for colour, image_format in (("red", "JPEG"), ("blue", "PNG")):
        buffer = BytesIO()
        Image.new("RGB", (800, 600), colour).save(buffer, image_format)
        names.append(
            default_storage.save(
                f"foto/sama.{image_format.lower()}", ContentFile(buffer.getvalue())
            )
        )

    jpeg, png = (renditions.make_renditions(name, renditions.USES["large"]) for name in names)

    assert not {r.name for r in jpeg.webp} & {r.name for r in png.webp}
    with default_storage.open(png.largest.name) as stored, Image.open(stored) as image:
        red, _, blue = image.convert("RGB").getpixel((10, 10))
    assert blue > 200 and red < 50


def test_a_rendition_stored_meanwhile_by_another_process_leaves_no_orphan_copy():
    """Two processes that both found a rendition missing both store it; the storage keeps
    the second under a free name (file_overwrite=False on a shared bucket) that nothing shows."""
    name = f"renditions/{uuid.uuid4().hex}/x.jpg-160x107-3x2.jpg"
    image = Image.new("RGB", (160, 107), "red")
    renditions._save(image, name, "JPEG")
    renditions._save(image, name, "JPEG")

    assert default_storage.listdir(name.rsplit("/", 1)[0])[1] == ["x.jpg-160x107-3x2.jpg"]


def test_a_photo_once_seen_needs_no_cache_round_trip(monkeypatch):
    photo = make_photo(width=800, height=600)
    first = renditions.rendition_set(photo, "small")
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: pytest.fail("cache read"))
    assert renditions.rendition_set(photo, "small") is first


def test_an_unreadable_photo_is_tried_again_once_it_can_be_read():
    photo = make_photo(width=800, height=600)
    with default_storage.open(photo.image.name) as stored:
        original = stored.read()
    default_storage.delete(photo.image.name)
    assert renditions.rendition_set(photo, "large") is None
    default_storage.save(photo.image.name, ContentFile(original))
    assert renditions.rendition_set(photo, "large") is not None


def test_small_renditions_are_cropped_to_cards_and_never_upscaled():
    small = renditions.rendition_set(make_photo(width=400, height=400), "small")
    assert [(r.width, r.height) for r in small.jpeg] == [(400, 225)]  # 16:9 of 400x400
    tiny = renditions.rendition_set(make_photo(width=100, height=50), "large")
    assert [(r.width, r.height) for r in tiny.jpeg] == [(100, 50)]


def test_exif_orientation_is_applied():
    """A phone photo stored sideways (Orientation 6, rotate 90° clockwise) comes out upright."""
    photo = make_photo(width=1600, height=1000, orientation=6)
    large = renditions.rendition_set(photo, "large").largest
    assert (large.width, large.height) == (800, 1280)  # upright 1000x1600, never upscaled
    with default_storage.open(large.name) as stored, Image.open(stored) as image:
        assert image.width < image.height
        top_right = image.convert("RGB").getpixel((image.width - 5, 5))
    assert min(top_right) > 200  # the original's top-left mark is now at the top right


def test_unreadable_or_missing_image_shows_no_picture(client):
    broken = Photo(caption="Rusak")
    broken.image.save("rusak.jpg", ContentFile(b"bukan gambar"))
    assert renditions.rendition_set(broken, "large") is None
    article = make_article(photo=broken)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and "<picture" not in response.content.decode()
    home = client.get("/").content.decode()  # its cards: no picture, and no empty photo link
    assert article.headline in home and "story-card__media" not in home
    assert "lead-story__link" not in home and "lead-story__text--panel" in home  # the lead


def picture_tags(html):
    return re.findall(r"<picture.*?</picture>", html, re.S)


def test_article_photo_is_a_sized_eager_picture_with_avif_then_webp(client):
    article = make_article(photo=make_photo(width=1600, height=1000, caption="Warga menonton"))
    html = client.get(article.get_absolute_url()).content.decode()
    [picture] = [tag for tag in picture_tags(html) if "Warga menonton" in tag]
    avif, webp = (
        picture.index('<source type="image/avif"'),
        picture.index('<source type="image/webp"'),
    )
    assert avif < webp < picture.index("<img")
    assert re.search(
        r'srcset="/media/renditions/\S+-480x300\.avif 480w, \S+-800x500\.avif 800w, '
        r'\S+-1200x750\.avif 1200w, \S+-1600x1000\.avif 1600w"',
        picture,
    )
    assert 'width="1600" height="1000" alt="Warga menonton" fetchpriority="high"' in picture
    assert 'loading="lazy"' not in picture


def test_list_photos_are_lazy_and_stories_without_photos_have_no_empty_frame(client):
    now = timezone.now()
    with_photo = make_article(
        tags=["Persib"], photo=make_photo(width=800, height=600), published_at=now
    )
    without = make_article(tags=["Persib"], photo=None, published_at=now - timedelta(hours=1))
    caption_only = make_article(
        tags=["Persib"], published_at=now - timedelta(hours=2)
    )  # no file yet
    html = client.get("/tag/persib/").content.decode()
    cards = re.findall(r'<li class="story-card">.*?</li>', html, re.S)
    card = {
        story.headline: next(c for c in cards if story.headline in c)
        for story in (with_photo, without, caption_only)
    }
    assert 'loading="lazy"' in card[with_photo.headline]
    assert 'width="480" height="270"' in card[with_photo.headline]  # 16:9
    assert "<picture" not in card[without.headline] and "<img" not in card[without.headline]
    assert "<picture" not in card[caption_only.headline]


def test_makerenditions_prepares_every_photo_and_reports_unreadable_ones(monkeypatch):
    photos = [make_photo(width=600, height=400), make_photo(width=500, height=500)]
    Photo.objects.create(caption="Belum ada berkas")
    broken = Photo(caption="Rusak")
    broken.image.save("rusak.jpg", ContentFile(b"bukan gambar"))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 foto tidak bisa dibaca"):
        call_command("makerenditions", stdout=out, stderr=err)
    assert out.getvalue() == "2 foto siap.\n"
    assert err.getvalue() == f"{broken.image.name}: tidak bisa dibaca\n"
    stored = sorted(name for name in _all_files("renditions") if name.endswith(".jpg"))
    expected = sorted(
        rendition.name
        for photo in photos
        for use_name, use in renditions.USES.items()
        for rendition in renditions.make_renditions(
            photo.image.name, use, renditions.focal_of(photo, use_name)
        ).jpeg
    )
    assert set(expected) <= set(stored)


def _all_files(directory):
    folders, files = default_storage.listdir(directory)
    yield from (f"{directory}/{name}" for name in files)
    for folder in folders:
        yield from _all_files(f"{directory}/{folder}")
