"""The network's key journey in a real browser: an editor of two sites places a story
from one on the other with its own time, and a reader on the second site's host
finds it once that time comes, pointing search engines at the first."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Placement, Site
from tests.browser import DESKTOP, PASSWORD, PHONE, log_in, requires_chromium, screenshot
from tests.factories import make_article, make_section, make_site, make_staff

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    # Roles are made by a migration: bring them back after other tests' flushes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PLACE_AHEAD = timedelta(seconds=12)


def on_host(live_server, host):
    """The live server's address under another host name (.localhost is loopback)."""
    return live_server.url.replace("localhost", host, 1)


def test_an_editor_places_a_story_on_a_second_site_and_its_readers_find_it_on_time(
    browser, live_server
):
    priangan = Site.objects.default()
    priangan.domain = "zonapriangan.localhost"
    priangan.save()
    sulawesi = make_site(name="Zona Sulawesi", domain="zonasulawesi.localhost",
                         dateline="ZONA SULAWESI", time_zone="WITA")  # fmt: skip
    make_section(name="Nasional", slug="nasional", sites=[priangan, sulawesi])
    makassar = make_section(name="Makassar", slug="makassar", sites=[sulawesi])
    story = make_article(headline="Jembatan Citanduy Dibuka untuk Umum", site=priangan,
                         dateline="CIAMIS, ZONA PRIANGAN")  # fmt: skip
    make_staff("Editor", "editor", sites=[priangan, sulawesi], password=PASSWORD)

    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/?situs={priangan.pk}")
    page.get_by_role("link", name="Jembatan Citanduy Dibuka untuk Umum").click()

    # Placed on Zona Sulawesi, in its own kanal, a little ahead (the story's clock: WIB).
    go_live = timezone.localtime() + PLACE_AHEAD
    page.select_option("#placement-site", str(sulawesi.pk))
    page.select_option("#placement-section", str(makassar.pk))
    page.fill("#placement-time", go_live.strftime("%Y-%m-%dT%H:%M:%S"))
    page.fill("#placement-headline", "Jembatan Baru di Ciamis Dibuka")
    page.get_by_role("button", name="Tayangkan").click()
    page.wait_for_selector(".messagelist .success")
    assert "dijadwalkan tayang di Zona Sulawesi" in page.locator(".messagelist").inner_text()
    assert "Zona Sulawesi · Makassar" in " ".join(page.locator(".placements").inner_text().split())
    screenshot(page, "network-1-editor-placed")
    placement = Placement.objects.get(article=story, site=sulawesi)

    # A reader on Zona Sulawesi does not see it before its time there, then finds it.
    reader = browser.new_context(viewport=PHONE).new_page()
    home = on_host(live_server, "zonasulawesi.localhost") + "/"
    reader.goto(home)
    assert reader.locator("h1.visually-hidden").inner_text() == "Zona Sulawesi: berita terkini"
    assert reader.get_by_text("Jembatan Baru di Ciamis Dibuka").count() == 0
    time.sleep(max(0.0, (placement.published_at - timezone.now()).total_seconds()) + 1)
    reader.reload()
    terkini = reader.locator("section[aria-labelledby=terkini-heading]")
    terkini.get_by_role("link", name="Jembatan Baru di Ciamis Dibuka").click()
    reader.wait_for_url(f"**{story.get_absolute_url()}")
    assert reader.url.startswith(on_host(live_server, "zonasulawesi.localhost"))
    assert reader.locator("h1").inner_text() == "Jembatan Baru di Ciamis Dibuka"
    assert reader.locator(".article__dateline").inner_text() == "CIAMIS, ZONA SULAWESI"
    canonical = reader.locator("link[rel=canonical]").get_attribute("href")
    origin = on_host(live_server, "zonapriangan.localhost")
    assert canonical == f"{origin}{story.get_absolute_url()}"  # the origin's
    screenshot(reader, "network-2-reader-on-second-site")
