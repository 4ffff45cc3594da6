"""Autosave: the form's draft is kept per user and story, and never becomes the story."""

import re

import pytest
from django.urls import reverse

from articles.editorial.autosave import SKIPPED
from articles.models import Article, Autosave, Revision
from tests.factories import make_article, make_site, make_staff

pytestmark = pytest.mark.django_db


def autosave_url(article=None):
    if article is None:
        return reverse("admin:articles_article_autosave_new")
    return reverse("admin:articles_article_autosave", args=[article.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def editor():
    return make_staff("Editor", "editor")


@pytest.fixture
def live_story():
    return make_article(headline="Jembatan Cirahong Ditutup", body="Isi asli.\n\nParagraf dua.")


def test_an_autosave_changes_neither_the_public_page_nor_the_version(client, editor, live_story):
    client.force_login(editor)
    page_before = client.get(live_story.get_absolute_url()).content
    response = client.post(
        autosave_url(live_story),
        {
            "headline": "Judul Setengah Jadi",
            "body": "Isi baru yang belum selesai",
            "loaded_version": "1",
        },
    )
    assert response.status_code == 200
    live_story.refresh_from_db()
    assert live_story.version == 1 and live_story.headline == "Jembatan Cirahong Ditutup"
    assert not Revision.objects.filter(article_key=live_story.pk).exists()
    client.logout()
    assert client.get(live_story.get_absolute_url()).content == page_before
    assert b"Setengah Jadi" not in page_before


def test_the_form_offers_the_newer_autosave_back_with_a_diff(client, editor, live_story):
    client.force_login(editor)
    client.post(autosave_url(live_story), {"headline": "Jembatan Cirahong Dibuka Lagi"})
    html = client.get(change_url(live_story)).content.decode()
    assert "Pulihkan perubahan yang belum disimpan" in html
    assert "<del>Ditutup</del>" in html and "<ins>Dibuka Lagi</ins>" in html
    assert 'id="autosave-data" type="application/json"' in html


def test_saving_the_story_ends_the_offer(client, editor, live_story):
    from tests.editorial.test_workflow import story_form

    client.force_login(editor)
    client.post(autosave_url(live_story), {"headline": "Setengah jadi"})
    response = client.post(change_url(live_story), story_form(live_story, headline="Disimpan"))
    assert response.status_code == 302
    assert not Autosave.objects.exists()
    assert "Pulihkan perubahan" not in client.get(change_url(live_story)).content.decode()


def test_two_editors_autosaves_do_not_mix(client, live_story):
    first, second = make_staff("Editor", "ratna"), make_staff("Editor", "bayu")
    client.force_login(first)
    client.post(autosave_url(live_story), {"headline": "Versi Ratna"})
    client.force_login(second)
    client.post(autosave_url(live_story), {"headline": "Versi Bayu"})
    assert Autosave.objects.get(user=first).data["headline"] == "Versi Ratna"
    assert Autosave.objects.get(user=second).data["headline"] == "Versi Bayu"
    html = client.get(change_url(live_story)).content.decode()
    assert "Versi Bayu" in html and "Versi Ratna" not in html


def test_an_autosave_older_than_the_last_save_is_not_offered(client, editor, live_story):
    client.force_login(editor)
    client.post(autosave_url(live_story), {"headline": "Lama"})
    live_story.save()  # someone saved since: their save wins, the version check stands
    assert "Pulihkan perubahan" not in client.get(change_url(live_story)).content.decode()


def test_a_new_story_is_autosaved_per_user_without_an_id(client, editor):
    client.force_login(editor)
    client.post(autosave_url(), {"headline": "Berita Baru Belum Disimpan"})
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    assert "Pulihkan perubahan yang belum disimpan" in html
    assert Autosave.objects.get().article is None
    assert not Article.objects.exists()


def test_only_people_who_may_edit_the_story_can_autosave_it(client, live_story):
    elsewhere = make_staff("Editor", "luar", sites=[make_site()])
    reporter = make_staff("Penulis", "penulis")
    for user in (elsewhere, reporter):  # another site's editor; a reporter on a live story
        client.force_login(user)
        assert client.post(autosave_url(live_story), {"headline": "x"}).status_code == 403
    assert client.get(autosave_url(live_story)).status_code == 405
    assert not Autosave.objects.exists()


def test_autosave_needs_the_csrf_token(editor, live_story):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(autosave_url(live_story), {"headline": "x"}).status_code == 403


def form_names(html):
    """The names of the story form's fields, as the page renders them (no templates of
    inline rows, no files)."""
    form = html[html.index('id="article_form"') :]
    form = form[: form.index("</form>")]
    names = set(re.findall(r'<(?:input|textarea|select)[^>]*\sname="([^"]+)"', form))
    return {name for name in names if "__prefix__" not in name}


def test_an_autosave_keeps_the_forms_own_fields_and_nothing_else(client, editor, live_story):
    client.force_login(editor)
    names = form_names(client.get(change_url(live_story)).content.decode())
    assert {"headline", "body", "bylines-TOTAL_FORMS"} <= names
    posted = {name: "1" for name in names} | {
        "headline": "Judul Baru",
        "bylines-0-person": "1",  # a row the editor added with "Tambah"
        "related_links-1-title": "Baca juga ini",
        "sampah": "x" * 1000,
        "bylines-99999-person": "1",  # beyond the most rows an inline takes
        "tidak_ada-0-nama": "x",
        "headline-0-x": "x",
    }

    assert client.post(autosave_url(live_story), posted).status_code == 200

    kept = set(Autosave.objects.get().data)
    assert kept == {
        name
        for name in names | {"bylines-0-person", "related_links-1-title"}
        if name not in SKIPPED and not name.endswith("_FORMS")
    }
    assert "Judul Baru" in client.get(change_url(live_story)).content.decode()  # offered back


def test_an_autosave_over_the_size_limit_is_refused_with_a_reason(client, editor, live_story):
    client.force_login(editor)
    big = "é" * 100_000  # 200 KB in UTF-8
    response = client.post(
        autosave_url(live_story), {"body": big, "correction": big, "photo_caption": big}
    )
    assert response.status_code == 413
    assert "terlalu besar" in response.json()["error"]
    assert not Autosave.objects.exists()
    assert client.post(autosave_url(live_story), {"body": big}).status_code == 200
