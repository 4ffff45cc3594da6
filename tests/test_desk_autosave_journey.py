"""Autosave in a real browser: a closed tab's typing comes back into the form."""

import pytest

from articles.models import Article, Autosave
from tests.browser import DESKTOP, requires_chromium, screenshot
from tests.factories import make_article, make_staff

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    # Roles are made by a migration: bring them back after other tests' flushes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "kata-sandi-uji-2026"


def log_in(browser, live_server, username):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return context, page


def wait_for_autosave(page):
    page.wait_for_selector("#autosave:has-text('Tersimpan otomatis')", timeout=15_000)


def test_typing_survives_a_closed_page_and_is_recovered(browser, live_server):
    draft = make_article(
        headline="Longsor di Cianjur",
        body="Paragraf lama.",
        status=Article.Status.DRAFT,
        published_at=None,
        author=make_staff("Penulis", "penulis", password=PASSWORD),
    )
    change = f"{live_server.url}/admin/articles/article/{draft.pk}/change/"

    context, page = log_in(browser, live_server, "penulis")
    page.goto(change)
    page.fill("#id_headline", "Longsor Tutup Jalur Cianjur-Sukabumi")
    page.fill("#id_body", "Paragraf lama.\n\nHujan deras sejak sore memicu longsor.")
    wait_for_autosave(page)
    context.close()  # the tab is gone without saving

    draft.refresh_from_db()
    assert draft.headline == "Longsor di Cianjur" and draft.version == 1
    assert Autosave.objects.get().data["headline"] == "Longsor Tutup Jalur Cianjur-Sukabumi"

    context, page = log_in(browser, live_server, "penulis")
    page.goto(change)
    recovery = page.locator("#autosave-recovery")
    assert "Pulihkan perubahan yang belum disimpan" in recovery.inner_text()
    assert "Hujan deras sejak sore" in recovery.locator("ins").all_inner_texts()[-1]
    screenshot(page, "desk-1-autosave-recovery")
    assert page.input_value("#id_headline") == "Longsor di Cianjur"
    page.click("#autosave-restore")
    assert page.input_value("#id_headline") == "Longsor Tutup Jalur Cianjur-Sukabumi"
    assert "Hujan deras" in page.input_value("#id_body")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    draft.refresh_from_db()
    assert draft.headline == "Longsor Tutup Jalur Cianjur-Sukabumi" and draft.version == 2
    assert not Autosave.objects.exists()
    context.close()
