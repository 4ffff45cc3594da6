"""A live report in a real browser: a new update appears on the open page, no reload."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.editorial import live
from tests.browser import DESKTOP, PHONE, requires_chromium, screenshot
from tests.factories import make_article

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_new_update_appears_on_the_open_page_without_reload(browser, live_server, settings):
    settings.LIVE_POLL_SECONDS = 1
    settings.PAGE_CACHE_SECONDS = 60  # the JSON comes from the page cache until the purge
    story = make_article(headline="Laporan Langsung Banjir Garut", is_live=True, tags=["Banjir"])
    live.add_update(story, title="Air naik", text="Air sungai Cimanuk naik setinggi dua meter.",
                    at=timezone.now() - timedelta(minutes=5))  # fmt: skip
    page = browser.new_page(viewport=PHONE)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    page.goto(live_server.url + story.get_absolute_url())
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads
    assert page.locator(".live__update").count() == 1

    live.add_update(story, title="Pengungsi", text="Warga mengungsi ke masjid terdekat.")
    newest = page.locator(".live__update").first
    newest.get_by_text("Warga mengungsi ke masjid terdekat.").wait_for(timeout=10_000)
    assert page.locator(".live__update").count() == 2
    assert newest.locator(".live__title").inner_text() == "Pengungsi"
    assert page.evaluate("window.loadedOnce") is True
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []
    assert [error for error in errors if "Failed to load resource" not in error] == []
    screenshot(page, "reader-live-phone")
    page.close()


def test_story_page_with_pages_and_share_links_fits_the_screen(browser, live_server):
    body = "\n\n".join(f"Paragraf {n} tentang banjir di Garut." for n in range(6))
    story = make_article(headline="Banjir Bandang Garut", body=body.replace(
        "\n\nParagraf 3", "\n\n[halaman]\n\nParagraf 3"), tags=["Banjir"])  # fmt: skip
    make_article(headline="Banjir Susulan di Tarogong", tags=["Banjir"])
    for viewport, device in [(PHONE, "phone"), (DESKTOP, "desktop")]:
        page = browser.new_page(viewport=viewport)
        page.goto(live_server.url + story.get_absolute_url())
        assert page.locator(".story-pages").is_visible()
        assert (
            page.get_by_role("link", name="WhatsApp")
            .get_attribute("href")
            .startswith("https://wa.me/?text=")
        )
        assert page.locator(".share__copy").is_visible()  # shown by share.js
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"reader-story-pages-{device}")
        page.get_by_role("link", name="Selanjutnya").click()
        page.wait_for_url("**?page=2")
        assert "Paragraf 3" in page.locator(".article__body").inner_text()
        page.close()
