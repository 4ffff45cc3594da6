"""The home page with Pilihan Editor and a topic story, as readers see it in Chromium."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, EditorPick, Topic, TopicStory
from tests.browser import DESKTOP, PHONE, requires_chromium, screenshot
from tests.factories import make_article, make_photo

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_home_shows_the_editors_picks_and_a_story_links_its_topic(browser, live_server, viewport):
    call_command("loadseeds", stdout=StringIO())
    seeded = Article.objects.get()
    photo = make_photo(width=1200, height=800)
    picks = [
        make_article(headline=headline, photo=photo, tags=["Banjir Garut"])
        for headline in ("Banjir Bandang Terjang Garut", "Warga Garut Mengungsi ke Masjid")
    ]
    for position, story in enumerate(picks):
        EditorPick.objects.create(
            site=story.site, article=story, position=position,
            expires_at=timezone.now() + timedelta(hours=2),
        )  # fmt: skip
    topic = Topic.objects.create(site=seeded.site, title="Banjir Garut", slug="banjir-garut")
    TopicStory.objects.create(topic=topic, article=picks[0])
    device = "phone" if viewport is PHONE else "desktop"
    page = browser.new_page(viewport=viewport)
    page.goto(live_server.url + "/")
    block = page.locator(".editor-picks")
    assert block.get_by_role("heading", name="Pilihan Editor").is_visible()
    assert block.locator(".story-card__headline").all_inner_texts() == [p.headline for p in picks]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"reader-home-picks-{device}")
    block.get_by_role("link", name=picks[0].headline).click()
    page.wait_for_url(f"**{picks[0].get_absolute_url()}")
    page.locator(".article__topics").get_by_role("link", name="Banjir Garut").click()
    page.wait_for_url("**/topik/banjir-garut/")
    assert page.get_by_role("heading", level=1).inner_text().endswith("Banjir Garut")
    screenshot(page, f"reader-topic-{device}")
    page.close()
