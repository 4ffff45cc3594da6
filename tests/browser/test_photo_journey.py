"""Photos in a real browser: an editor uploads a large photo, clicks its focal point on
the preview and saves; the story page and the cards then show crops round that point.
Screenshots at 390 and 1280 px go to test-artifacts/."""

from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from articles.media import renditions
from articles.models import Photo
from tests.browser import DESKTOP, PASSWORD, PHONE, log_in, requires_chromium, screenshot
from tests.factories import make_article, make_staff

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
FOCAL = (0.82, 0.3)


def camera_photo(path):
    """A 3,600×2,400 photo (over the master's 2,560 px: the worker makes it) with a red
    disc at FOCAL, the part that must stay in every crop."""
    image = Image.new("RGB", (3600, 2400), (60, 110, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 1700, 3600, 2400), fill=(70, 140, 60))
    x, y = FOCAL[0] * 3600, FOCAL[1] * 2400
    draw.ellipse((x - 260, y - 260, x + 260, y + 260), fill=(220, 30, 30))
    image.save(path, "JPEG", quality=90)


def loaded_images(page, selector):
    """(currentSrc, naturalWidth) of every image matched, once lazy ones were scrolled to."""
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(300)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function(
        f"[...document.querySelectorAll({selector!r})].every((i) => i.complete)", timeout=10_000
    )
    return page.eval_on_selector_all(
        selector, "(images) => images.map((i) => [i.currentSrc, i.naturalWidth])"
    )


def test_editor_uploads_sets_the_focal_point_and_readers_see_the_crops(
    browser, live_server, tmp_path
):
    make_staff("Editor", "editor", password=PASSWORD)
    camera_photo(tmp_path / "kamera.jpg")
    page = browser.new_context(viewport=DESKTOP).new_page()
    csp_errors = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and csp_errors.append(message.text)
        ),
    )
    log_in(page, live_server, "editor")

    page.goto(f"{live_server.url}/admin/articles/photo/add/")
    page.set_input_files("#id_image", str(tmp_path / "kamera.jpg"))
    page.fill("#id_caption", "Balon merah di atas Lapangan Gasibu")
    page.fill("#id_credit", "Dok. Redaksi")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (2560, 1707) and photo.original

    # The focal point: a click on the red disc in the preview.
    preview = page.wait_for_selector(".focal-picker__image")
    box = preview.bounding_box()
    preview.click(position={"x": box["width"] * FOCAL[0], "y": box["height"] * FOCAL[1]})
    assert page.is_visible(".focal-picker__marker")
    assert float(page.input_value("#id_focal_x")) == pytest.approx(FOCAL[0], abs=0.01)
    screenshot(page, "photo-focal-point-1280")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    photo.refresh_from_db()
    assert (photo.focal_x, photo.focal_y) == pytest.approx(FOCAL, abs=0.01)
    assert csp_errors == []

    # The library shows it as a thumbnail.
    page.goto(f"{live_server.url}/admin/articles/photo/")
    [(thumbnail, width)] = loaded_images(page, ".photo-library__thumb")
    assert width > 0 and photo.crop_key[1:] in thumbnail
    screenshot(page, "photo-library-1280")

    now = timezone.now()
    story = make_article(
        headline="Balon merah menghiasi langit Bandung", photo=photo, published_at=now
    )
    for hours in range(1, 4):
        make_article(photo=photo, published_at=now - timedelta(hours=hours))

    for name, viewport in (("390", PHONE), ("1280", DESKTOP)):
        reader = browser.new_context(viewport=viewport).new_page()
        reader.goto(live_server.url + story.get_absolute_url())
        lead = reader.eval_on_selector(
            "article picture img", "(i) => [i.currentSrc, i.naturalWidth, i.loading]"
        )
        assert lead[0].endswith(".avif") and lead[1] > 0 and lead[2] != "lazy"
        screenshot(reader, f"photo-story-{name}")

        reader.goto(live_server.url + "/")
        cards = loaded_images(reader, ".story-card__media img")
        assert cards and all(
            w > 0 and "-16x9-f820-300" in src for src, w in cards if "1x1" not in src
        )
        inside = reader.eval_on_selector_all(
            ".story-card__media img", "(images) => images.map((i) => i.loading)"
        )
        assert set(inside) == {"lazy"}
        screenshot(reader, f"photo-cards-{name}")

        # The crop keeps the red disc: the card's pixels round the focal point are red.
        card = renditions.rendition_set(photo, "small").jpeg[0]
        with Image.open(card.name and renditions.default_storage.open(card.name)) as image:
            red, green, blue = image.convert("RGB").getpixel(
                (round(image.width * 0.82), round(image.height * 0.3))
            )
        assert red > 180 and green < 80
