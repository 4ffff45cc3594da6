"""The Content-Security-Policy in a real browser: our pages and Django's admin break none of it."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from tests.browser import DESKTOP, PASSWORD, log_in, requires_chromium, screenshot

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def collect_csp_violations(page):
    """Chromium reports every blocked script, style or frame on the console."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return violations


def test_reader_pages_and_the_admin_work_under_the_policy(browser, live_server, django_user_model):
    call_command("loadseeds", stdout=StringIO())
    article = Article.objects.get()
    article.tags.add("Ukraina")
    django_user_model.objects.create_superuser("kepala", password=PASSWORD)
    page = browser.new_page(viewport=DESKTOP)
    violations = collect_csp_violations(page)

    reader_pages = [
        "/",
        article.get_absolute_url(),
        reverse("articles:tag", args=["ukraina"]),
        article.editor.get_absolute_url(),
        reverse("articles:indeks"),
        reverse("articles:search") + "?q=Austin",
        reverse("admin_password_reset"),  # the desk's, before signing in
    ]
    for path in reader_pages:
        assert page.goto(live_server.url + path).status == 200

    log_in(page, live_server, "kepala")

    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    # The admin's scripts ran: the inline "add another" rows and the autocomplete widgets.
    page.locator(".add-row a").first.wait_for()
    page.locator(".field-editor .select2-selection").click()
    page.locator(".select2-results__option").first.wait_for()
    page.keyboard.press("Escape")
    screenshot(page, "csp-admin-article-change")

    for name in [
        "admin:articles_article_changelist",
        "admin:articles_photo_add",
        "admin:auth_user_add",
    ]:
        assert page.goto(live_server.url + reverse(name)).status == 200
    page.locator("#changelist-filter, #photo_form, #user_form").first.wait_for()

    assert violations == []
