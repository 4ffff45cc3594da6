"""An embed card in Chromium: nothing of the provider's is asked for until the reader
clicks, then its frame loads, under the CSP with EMBED_FRAME_SOURCES as frame-src. The
provider is answered by Playwright on this machine: nothing reaches outside."""

from urllib.parse import urlencode, urlsplit

import pytest

from articles.media import embeds
from articles.models import Embed
from tests.browser import DESKTOP, requires_chromium, screenshot
from tests.browser.test_security_journey import collect_csp_violations

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
TIKTOK = "https://www.tiktok.com/@detikcom/video/7360000000000000000"


def test_the_provider_frame_loads_only_after_the_click(browser, live_server, settings):
    settings.ROOT_URLCONF = "tests.urls"
    for url in (YOUTUBE, TIKTOK):
        provider = embeds.embed_provider(url)
        Embed.objects.create(
            url=url, provider=provider, frame_url=embeds.frame_url(url, provider),
            status=Embed.Status.READY, title=f"Video {provider}", author_name="Zona Priangan",
        )  # fmt: skip
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    violations = collect_csp_violations(page)
    outside, provider_requests = [], []

    def answer(route):
        """Our own host is served; a provider's frame gets a stand-in page; else nothing."""
        host = urlsplit(route.request.url).hostname
        if host in ("localhost", "127.0.0.1"):
            return route.continue_()
        if "https://" + host in embeds.EMBED_FRAME_SOURCES:
            provider_requests.append(route.request.url)
            return route.fulfill(
                status=200, content_type="text/html", body="<p id=player>pemutar</p>"
            )
        outside.append(route.request.url)
        return route.abort()

    page.route("**/*", answer)
    query = urlencode([("url", YOUTUBE), ("url", TIKTOK)])
    assert page.goto(f"{live_server.url}/uji/sematan/?{query}").status == 200
    page.wait_for_load_state("networkidle")
    assert page.locator("iframe").count() == 0
    assert provider_requests == []
    load = page.locator(".embed--youtube [data-embed-load]")
    assert load.is_visible() and load.inner_text() == "Muat konten YouTube"
    screenshot(page, "embed-card-before-click")

    load.click()
    frame = page.locator(".embed--youtube iframe")
    frame.wait_for()
    assert frame.get_attribute("src") == embeds.frame_url(YOUTUBE, "youtube")
    assert "allow-top-navigation" not in frame.get_attribute("sandbox")
    page.frame_locator(".embed--youtube iframe").locator("#player").wait_for()
    assert [urlsplit(u).hostname for u in provider_requests] == ["www.youtube-nocookie.com"]
    assert page.locator(".embed--tiktok iframe").count() == 0  # the other card still waits
    screenshot(page, "embed-card-after-click")
    assert violations == [] and outside == []
    context.close()
