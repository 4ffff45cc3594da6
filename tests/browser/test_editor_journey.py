"""The newsroom's key journey in a real browser: a reporter writes, an editor
schedules, and readers find the story on the home page once its time comes."""

import time
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from PIL import Image

from articles.models import Article
from tests.browser import DESKTOP, PASSWORD, PHONE, log_in, requires_chromium, screenshot
from tests.factories import make_article, make_staff

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    # Roles are made by a migration: bring them back after other tests' flushes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SCHEDULE_AHEAD = timedelta(seconds=15)


def staff(username, role):
    return make_staff(role, username, password=PASSWORD)


def test_reporter_writes_editor_schedules_reader_reads(browser, live_server, tmp_path):
    staff("penulis", "Penulis")
    staff("editor", "Editor")
    make_article(headline="Debit Sungai Citanduy Naik Dua Meter", tags=["Banjir"])
    photo = tmp_path / "banjir.jpg"
    buffer = BytesIO()
    Image.new("RGB", (1200, 800), (30, 90, 160)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    # A reporter writes the story and submits it.
    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, live_server, "penulis")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_headline", "Banjir Bandang Terjang Tiga Desa di Garut")
    page.fill("#id_dateline", "GARUT, ZONA PRIANGAN")
    page.fill(
        "#id_body",
        "Banjir bandang menerjang tiga desa pada Sabtu dini hari.\n\n"
        "Warga diminta menjauhi bantaran sungai.\n\nBantuan mulai berdatangan sore harinya.",
    )
    page.set_input_files("#id_photo_image", str(photo))
    page.fill("#id_photo_caption", "Warga membersihkan lumpur di Desa Haurpanggung.")
    page.fill("#id_photo_credit", "Dok. Redaksi")
    page.locator("#id_tags").press_sequentially("Ban")
    page.wait_for_selector('#tag-suggestions option[value="Banjir"]', state="attached")
    page.fill("#id_tags", "Banjir, Garut")
    page.fill("#id_related_links-0-after_paragraph", "1")
    page.locator("#id_related_links-0-target + .select2").click()
    page.locator(".select2-search__field").fill("Citanduy")
    page.locator(".select2-results__option", has_text="Debit Sungai Citanduy").click()
    screenshot(page, "journey-1-reporter-writes")
    page.click("input[name=_continue]")
    page.get_by_role("button", name="Ajukan untuk ditinjau").click()
    page.wait_for_selector(".messagelist .success")
    screenshot(page, "journey-2-reporter-submitted")
    article = Article.objects.get(headline__startswith="Banjir Bandang")
    assert article.status == Article.Status.IN_REVIEW
    assert page.get_by_role("button", name="Jadwalkan").count() == 0

    # An editor schedules it a little ahead, on the story's own clock (WIB).
    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}/admin/articles/article/?status=review")
    page.get_by_role("link", name="Banjir Bandang Terjang Tiga Desa di Garut").click()
    go_live = timezone.localtime() + SCHEDULE_AHEAD
    page.fill("#publish-at", go_live.strftime("%Y-%m-%dT%H:%M:%S"))
    page.get_by_role("button", name="Jadwalkan").click()
    page.wait_for_selector(".messagelist .success")
    screenshot(page, "journey-3-editor-scheduled")
    article.refresh_from_db()
    assert article.is_scheduled

    # A reader does not see it before its time, then finds it in Terkini.
    reader = browser.new_context(viewport=PHONE).new_page()
    reader.goto(f"{live_server.url}/")
    assert reader.locator("#terkini-heading + ol", has_text="Banjir Bandang").count() == 0
    time.sleep(max(0.0, (article.published_at - timezone.now()).total_seconds()) + 1)
    reader.reload()
    terkini = reader.locator("section[aria-labelledby=terkini-heading]")
    terkini.get_by_role("link", name="Banjir Bandang Terjang Tiga Desa di Garut").click()
    reader.wait_for_url(f"**{article.get_absolute_url()}")
    assert reader.locator("h1").inner_text() == "Banjir Bandang Terjang Tiga Desa di Garut"
    assert "Dok. Redaksi" in reader.locator("figcaption").inner_text()
    assert reader.locator(".baca-juga a").inner_text() == "Debit Sungai Citanduy Naik Dua Meter"
    assert reader.locator(".tag-list a").all_inner_texts() == ["Banjir", "Garut"]
    screenshot(reader, "journey-4-reader-reads")
