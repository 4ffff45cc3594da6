"""A reader's journey in a real browser: the home page, a story, its tag."""

from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.browser import DESKTOP, PHONE, requires_chromium, screenshot

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_reader_opens_the_lead_story_from_the_home_page(browser, live_server, viewport):
    call_command("loadseeds", stdout=StringIO())
    article = Article.objects.get()
    article.tags.add("Ukraina")
    device = "phone" if viewport is PHONE else "desktop"
    page = browser.new_page(viewport=viewport)

    page.goto(live_server.url + "/")
    assert page.title() == "Zona Priangan"
    screenshot(page, f"reader-home-{device}")
    page.get_by_role("link", name=article.headline).first.click()

    page.wait_for_url(f"**{article.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == article.headline
    assert page.locator(".article__date").inner_text() == "14 Mei 2022, 18:45 WIB"
    assert page.locator(".baca-juga").count() == 3
    assert (
        page.locator(".article__photo figcaption")
        .inner_text()
        .endswith("/Pool via REUTERS/Amanda Andrade-Rhoades/")
    )
    body_width = page.evaluate("document.documentElement.scrollWidth")
    assert body_width <= viewport["width"], "the page must not scroll sideways"
    screenshot(page, f"reader-article-{device}")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Langsung ke konten"
    page.get_by_role("link", name="Ukraina", exact=True).click()
    page.wait_for_url("**/tag/ukraina/")
    assert page.get_by_role("link", name=article.headline).count() >= 1
    page.close()
