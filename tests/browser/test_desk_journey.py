"""The desk in a real browser: a reporter and an editor work a story through a note,
a fix, an embargo and its publication."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Assignment, Notification
from tests.browser import (
    DESKTOP,
    PASSWORD,
    log_in,
    requires_chromium,
    screenshot,
    wait_for_autosave,
)
from tests.factories import make_staff

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    # Roles are made by a migration: bring them back after other tests' flushes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
EMBARGO_AHEAD = timedelta(seconds=6)


def test_reporter_and_editor_work_a_story_through_note_fix_embargo_and_publish(
    browser, live_server
):
    make_staff("Penulis", "penulis", password=PASSWORD)
    make_staff("Editor", "editor", password=PASSWORD)

    # The reporter writes; the form keeps her typing as she goes.
    reporter = browser.new_context(viewport=DESKTOP).new_page()
    log_in(reporter, live_server, "penulis")
    reporter.goto(f"{live_server.url}/admin/articles/article/add/")
    reporter.fill("#id_headline", "Gempa Guncang Garut Selatan")
    reporter.fill("#id_dateline", "GARUT, ZONA PRIANGAN")
    reporter.fill(
        "#id_body",
        "Gempa berkekuatan 5,1 mengguncang Garut Selatan pada Senin pagi.\n\n"
        "Beberapa rumah dilaporkan rusak.",
    )
    wait_for_autosave(reporter)
    reporter.click("input[name=_continue]")
    reporter.wait_for_selector(".messagelist .success")
    article = Article.objects.get()
    change = f"{live_server.url}/admin/articles/article/{article.pk}/change/"

    # The editor leaves a note on the second paragraph, mentioning the reporter.
    editor = browser.new_context(viewport=DESKTOP).new_page()
    log_in(editor, live_server, "editor")
    editor.goto(change)
    editor.fill("#note-body", "@penulis berapa rumah yang rusak? Sebutkan angkanya.")
    editor.fill("#note-paragraph", "2")
    editor.get_by_role("button", name="Kirim catatan").click()
    editor.wait_for_selector(".messagelist .success")
    assert Notification.objects.get().recipient.username == "penulis"

    # The reporter sees it in the header, opens it, fixes the story and submits it.
    reporter.goto(f"{live_server.url}/admin/")
    assert reporter.locator(".notification-count").inner_text() == "1"
    reporter.click("a.notification-link")
    screenshot(reporter, "desk-2-notifikasi")
    reporter.get_by_role("button", name="editor menyebut Anda").click()
    reporter.wait_for_url(f"**/admin/articles/article/{article.pk}/change/")
    assert "berapa rumah yang rusak" in reporter.locator(".timeline").inner_text()
    reporter.fill(
        "#id_body",
        "Gempa berkekuatan 5,1 mengguncang Garut Selatan pada Senin pagi.\n\n"
        "Sebanyak 37 rumah dilaporkan rusak.",
    )
    reporter.click("input[name=_continue]")
    reporter.wait_for_selector(".messagelist .success")
    reporter.get_by_role("button", name="Ajukan untuk ditinjau").click()
    reporter.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW and "37 rumah" in article.body

    # The editor embargoes it to a time a few seconds ahead: nobody can publish earlier.
    editor.goto(change)
    lifts = timezone.localtime() + EMBARGO_AHEAD
    editor.fill("#id_embargo_until_0", lifts.strftime("%Y-%m-%d"))
    editor.fill("#id_embargo_until_1", lifts.strftime("%H:%M:%S"))
    editor.click("input[name=_continue]")
    editor.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.is_under_embargo
    assert editor.get_by_role("button", name="Terbitkan sekarang").count() == 0
    screenshot(editor, "desk-3-editor-embargo")

    # Once the embargo has passed, the editor publishes it and the reporter hears.
    time.sleep(max(0.0, (article.embargo_until - timezone.now()).total_seconds()) + 0.5)
    editor.reload()
    editor.get_by_role("button", name="Terbitkan sekarang").click()
    editor.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.is_published and article.published_at >= article.embargo_until
    assert Notification.objects.filter(
        recipient__username="penulis", kind=Notification.Kind.PUBLISHED
    ).exists()
    reporter.goto(f"{live_server.url}/admin/")
    assert reporter.locator(".notification-count").inner_text() == "1"
    # The budget: tomorrow's assignment on the calendar, on the site's clock.
    due = timezone.localtime() + timedelta(days=1)
    Assignment.objects.create(
        title="Dampak gempa pada sekolah",
        site=article.site,
        reporter=article.author,
        due_at=due,
    )
    editor.goto(f"{live_server.url}/admin/articles/assignment/calendar/?hari={due:%Y-%m-%d}")
    assert f"{due:%H:%M} WIB" in editor.locator(".calendar-items").inner_text()
    screenshot(editor, "desk-4-calendar")
    reader = browser.new_context(viewport=DESKTOP).new_page()
    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert reader.locator("h1").inner_text() == "Gempa Guncang Garut Selatan"
    reporter.context.close()
    editor.context.close()
