"""Revisions, concurrent editing, preview and corrections, through the admin."""

from io import BytesIO
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from articles.admin import ArticleAdminForm
from articles.editorial import revisions, workflow
from articles.models import Article, Revision
from tests.editorial.test_workflow import change_url, story, story_form
from tests.factories import (
    make_article,
    make_photo,
    make_related_link,
    make_site,
    make_staff,
)

pytestmark = pytest.mark.django_db
Status = Article.Status
READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


@pytest.fixture
def editor(django_user_model):
    return make_staff("Editor", "editor")


@pytest.fixture
def second_editor(django_user_model):
    return make_staff("Editor", "editor2")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def save(client, article, **changes):
    return client.post(change_url(article), story_form(article, **changes))


def test_every_save_keeps_a_revision_and_the_admin_diffs_any_two(editor):
    client = logged_in(editor)
    client.post(reverse("admin:articles_article_add"), story_form(headline="Judul Pertama"))
    article = Article.objects.get()
    save(client, Article.objects.get(), headline="Judul Kedua", body="Isi <baru> & lengkap.")
    article.refresh_from_db()
    save(client, article, tags="Banjir, Garut")
    assert list(Revision.objects.values_list("number", flat=True)) == [3, 2, 1]

    url = reverse("admin:articles_article_revisions", args=[article.pk])
    page = client.get(url, {"old": 1, "new": 2})
    changes = {change.field: change for change in page.context["changes"]}
    assert set(changes) == {"headline", "body"}
    html = page.content.decode()
    assert "<del>Pertama</del><ins>Kedua</ins>" in html
    assert "<ins>&lt;baru&gt;</ins>" in html and "<ins>&amp; lengkap.</ins>" in html
    default = client.get(url)
    assert [change.field for change in default.context["changes"]] == ["tags"]
    assert client.get(url, {"old": "x"}).status_code == 404


def test_restoring_makes_a_new_revision_and_keeps_the_later_ones(editor):
    client = logged_in(editor)
    article = story(None, Status.DRAFT, headline="Versi Satu")
    make_related_link(article, title="Baca Ini Dulu", after_paragraph=1)
    article.tags.set(["Banjir"])
    revisions.record(article, user=editor)
    save(client, article, headline="Versi Dua", tags="Longsor")
    article.refresh_from_db()
    assert article.version == 2

    client.post(reverse("admin:articles_article_revision_restore", args=[article.pk, 1]))
    article.refresh_from_db()
    assert article.headline == "Versi Satu"
    assert list(article.tags.names()) == ["Banjir"]
    assert [link.title for link in article.related_links.all()] == ["Baca Ini Dulu"]
    assert list(Revision.objects.values_list("number", flat=True)) == [3, 2, 1]
    assert Revision.objects.get(number=2).content["headline"] == "Versi Dua"
    assert "Dipulihkan dari revisi 1" in Revision.objects.get(number=3).note


def test_restore_is_post_only_and_needs_edit_rights(editor, django_user_model):
    article = story(None, Status.PUBLISHED)
    revisions.record(article)
    url = reverse("admin:articles_article_revision_restore", args=[article.pk, 1])
    assert logged_in(editor).get(url).status_code == 405
    reporter = make_staff("Penulis", "penulis")
    assert logged_in(reporter).post(url).status_code == 403


def test_second_save_of_the_same_story_is_refused_and_loses_nothing(editor, second_editor):
    article = story(None, Status.DRAFT, headline="Judul Asli", body="Isi asli.")
    revisions.record(article)
    first, second = logged_in(editor), logged_in(second_editor)
    form_of_second = story_form(article, body="Isi dari editor kedua.")  # both opened version 1

    assert save(first, article, headline="Judul dari Editor Pertama").status_code == 302
    refused = second.post(change_url(article), form_of_second)

    assert refused.status_code == 200
    form = refused.context["adminform"].form
    assert "sudah diubah oleh editor" in str(form.non_field_errors())
    assert form["body"].value() == "Isi dari editor kedua."  # their input comes back
    assert [change.field for change in form.other_changes] == ["headline"]
    assert "<del>Asli</del><ins>dari Editor Pertama</ins>" in refused.content.decode()
    article.refresh_from_db()
    assert (article.headline, article.body) == ("Judul dari Editor Pertama", "Isi asli.")

    # Having seen the other change, the second editor saves again on purpose.
    resubmitted = form_of_second | {"loaded_version": form["loaded_version"].value()}
    assert second.post(change_url(article), resubmitted).status_code == 302
    article.refresh_from_db()
    assert article.body == "Isi dari editor kedua."
    assert Revision.objects.filter(article_key=article.pk).count() == 3


def withdrawn_while_the_form_waits(article, by):
    """The change view has read the story into its form, then a withdrawal commits
    before the form's check locks the row: two requests interleaved, deterministically."""
    check = ArticleAdminForm.full_clean

    def full_clean(form):
        if form.is_bound:
            workflow.perform(article, workflow.Action.UNPUBLISH, user=by)
        check(form)

    return mock.patch.object(ArticleAdminForm, "full_clean", full_clean)


def test_a_withdrawal_while_a_story_form_is_saved_is_kept_and_the_form_refused(
    editor, second_editor
):
    article = story(None, Status.PUBLISHED, headline="Judul Asli")
    revisions.record(article)
    published_at = article.published_at
    form = story_form(article, headline="Judul dari Editor Kedua")  # opened while live

    with withdrawn_while_the_form_waits(article, by=editor):
        refused = logged_in(second_editor).post(change_url(article), form)

    assert refused.status_code == 200
    conflict = refused.context["adminform"].form
    assert "sudah diubah oleh editor " in str(conflict.non_field_errors())
    assert conflict["headline"].value() == "Judul dari Editor Kedua"  # their input comes back
    assert [(change.field, change.old, change.new) for change in conflict.other_changes] == [
        ("status", "Terbit", "Ditarik")
    ]
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Status.UNPUBLISHED, published_at)
    assert article.headline == "Judul Asli"
    assert not article.placements.get().is_live


def test_a_story_form_never_writes_back_the_workflows_fields(editor, second_editor):
    """Even a form without its version (no check to refuse it) saves only its own fields."""
    article = story(None, Status.PUBLISHED, headline="Judul Asli")
    form = story_form(article, headline="Judul Baru", loaded_version="")

    with withdrawn_while_the_form_waits(article, by=editor):
        assert logged_in(second_editor).post(change_url(article), form).status_code == 302

    article.refresh_from_db()
    assert (article.headline, article.status) == ("Judul Baru", Status.UNPUBLISHED)
    assert not article.placements.get().is_live  # the origin placement follows the row


def test_every_workflow_step_bumps_the_version_and_only_a_fresh_form_saves(editor):
    article = story(editor, Status.DRAFT)
    revisions.record(article)
    for action in (workflow.Action.SUBMIT, workflow.Action.PUBLISH, workflow.Action.UNPUBLISH):
        version = article.version
        article = workflow.perform(article, action, user=editor)
        assert article.version == Article.objects.get(pk=article.pk).version == version + 1
    client = logged_in(editor)
    form = client.get(change_url(article)).context["adminform"].form
    assert form["loaded_version"].value() == article.version
    assert save(client, article, headline="Setelah Ditarik").status_code == 302


def test_others_see_who_has_the_story_open(editor, second_editor):
    article = story(None, Status.DRAFT)
    logged_in(editor).get(change_url(article))
    html = logged_in(second_editor).get(change_url(article)).content.decode()
    assert "Sedang dibuka juga oleh: <strong>editor</strong>" in html


def test_presence_heartbeat_and_goodbye(editor, second_editor):
    article = story(None, Status.DRAFT)
    url = reverse("admin:articles_article_presence", args=[article.pk])
    first, second = logged_in(editor), logged_in(second_editor)
    assert first.post(url).json() == {"others": []}
    assert second.post(url).json() == {"others": ["editor"]}
    first.post(url, {"closing": "1"})
    assert second.post(url).json() == {"others": []}
    assert second.get(url).status_code == 405
    html = second.get(change_url(article)).content.decode()
    assert 'id="presence"' in html and "js/presence.js" in html


def test_staff_preview_unpublished_story_and_revision_readers_get_404(client, editor):
    article = story(None, Status.DRAFT, headline="Rancangan Rahasia")
    revisions.record(article)
    article.headline = "Rancangan Kedua"
    article.version = 2
    article.save()
    revisions.record(article)
    staff = logged_in(editor)

    preview = staff.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert preview.status_code == 200
    assert '<h1 class="article__headline">Rancangan Kedua</h1>' in preview.content.decode()
    assert "no-store" in preview["Cache-Control"]

    old = staff.get(reverse("admin:articles_article_revision_preview", args=[article.pk, 1]))
    assert "Rancangan Rahasia" in old.content.decode()
    article.refresh_from_db()
    assert article.headline == "Rancangan Kedua"  # previewing changed nothing

    assert client.get(article.get_absolute_url(), **READER).status_code == 404
    anonymous = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_editing_a_live_story_shows_readers_when_and_the_correction(client, editor):
    article = story(None, Status.IN_REVIEW, headline="Gempa Guncang Garut")
    revisions.record(article)
    workflow.perform(article, "publish", user=editor)
    article.refresh_from_db()
    assert "Diperbarui" not in client.get(article.get_absolute_url(), **READER).content.decode()

    save(logged_in(editor), article, correction="Sebelumnya tertulis magnitudo 6,1.")
    html = client.get(article.get_absolute_url(), **READER).content.decode()
    assert "Diperbarui" in html
    assert "<strong>Koreksi:</strong> Sebelumnya tertulis magnitudo 6,1." in html


def jpeg_upload(name="foto.jpg", size=(640, 400)):
    buffer = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_an_uploaded_photo_is_new_and_its_caption_and_credit_are_the_storys_own(editor):
    client = logged_in(editor)
    data = story_form(
        photo_image=jpeg_upload(),
        photo_caption="Warga menonton pawai.",
        photo_credit="Dok. Redaksi",
    )
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    article = Article.objects.get()
    photo = article.photo
    assert (photo.caption, photo.credit, photo.width, photo.height) == (
        "Warga menonton pawai.", "Dok. Redaksi", 640, 400,
    )  # fmt: skip
    assert not photo.image.name.endswith("foto.jpg")
    assert (article.photo_caption, article.photo_credit) == (
        "Warga menonton pawai.",
        "Dok. Redaksi",
    )
    assert list(photo.sites.all()) == list(editor.newsroom_sites.all())
    save(client, article, photo=photo.pk, photo_caption="Keterangan baru.", photo_credit="ANTARA")
    article.refresh_from_db()
    photo.refresh_from_db()
    assert (article.photo_caption, article.photo_credit) == ("Keterangan baru.", "ANTARA")
    assert (photo.caption, photo.credit) == ("Warga menonton pawai.", "Dok. Redaksi")  # defaults
    assert [change.field for change in revisions.compare(
        Revision.objects.get(number=1).content, Revision.objects.get(number=2).content
    )] == ["photo"]  # fmt: skip
    assert photo.image.url in client.get(change_url(article)).content.decode()

    save(client, article, photo_image=jpeg_upload())  # another picture: another photo
    article.refresh_from_db()
    assert article.photo != photo and article.photo_caption == "Keterangan baru."
    photo.refresh_from_db()
    assert photo.image and photo.caption == "Warga menonton pawai."


def test_a_photo_fix_in_the_photo_admin_is_not_overwritten_by_a_stale_story_form(
    editor, second_editor
):
    photo = make_photo(caption="Keterangan lama", credit="Dok. Redaksi")
    article = story(None, Status.PUBLISHED, photo=photo)
    stale = story_form(article, body="Isi diubah.")  # opened before the photo was fixed

    fixed = {"caption": "Keterangan diperbaiki", "credit": "ANTARA"}
    photo_url = reverse("admin:articles_photo_change", args=[photo.pk])
    assert logged_in(second_editor).post(photo_url, fixed).status_code == 302
    assert logged_in(editor).post(change_url(article), stale).status_code == 302

    photo.refresh_from_db()
    article.refresh_from_db()
    assert (photo.caption, photo.credit) == ("Keterangan diperbaiki", "ANTARA")  # not lost
    # The story's caption is its own: the photo's is the default for its next use.
    assert (article.photo_caption, article.body) == ("Keterangan lama", "Isi diubah.")
    page = Client(**READER).get(article.get_absolute_url()).content.decode()
    assert "Keterangan lama" in page and "diperbaiki" not in page


def test_a_caption_fix_on_the_story_refuses_a_stale_form_and_shows_the_fix(editor, second_editor):
    article = story(None, Status.PUBLISHED, photo=make_photo(caption="Keterangan lama"))
    revisions.record(article)
    body = article.body
    stale = story_form(article, body="Isi diubah.")

    assert (
        save(logged_in(second_editor), article, photo_caption="Keterangan baru").status_code == 302
    )
    refused = logged_in(editor).post(change_url(article), stale)

    assert refused.status_code == 200
    assert [change.field for change in refused.context["adminform"].form.other_changes] == ["photo"]
    article.refresh_from_db()
    assert (article.photo_caption, article.body) == ("Keterangan baru", body)


def test_choosing_a_photo_fills_only_an_empty_caption_and_credit_from_its_own(editor):
    client = logged_in(editor)
    photo = make_photo(caption="Bawaan foto", credit="Dok. Foto")
    bare = story(None, Status.DRAFT, photo=None)
    captioned = story(None, Status.DRAFT, photo=None)
    save(client, bare, photo=photo.pk)
    save(client, captioned, photo=photo.pk, photo_caption="Keterangan sendiri")
    bare.refresh_from_db()
    captioned.refresh_from_db()
    assert (bare.photo, bare.photo_caption, bare.photo_credit) == (
        photo, "Bawaan foto", "Dok. Foto",
    )  # fmt: skip
    assert (captioned.photo_caption, captioned.photo_credit) == ("Keterangan sendiri", "Dok. Foto")


def test_restoring_a_revision_brings_back_its_caption_and_leaves_the_photo(editor):
    photo = make_photo(caption="Bawaan foto")
    article = story(None, Status.DRAFT, photo=photo, photo_caption="Keterangan pertama")
    revisions.record(article)
    client = logged_in(editor)
    save(client, article, photo_caption="Keterangan kedua")
    client.post(reverse("admin:articles_article_revision_restore", args=[article.pk, 1]))
    article.refresh_from_db()
    photo.refresh_from_db()
    assert (article.photo, article.photo_caption) == (photo, "Keterangan pertama")
    assert photo.caption == "Bawaan foto"


def test_a_photo_without_a_caption_is_a_form_error(editor):
    response = logged_in(editor).post(
        reverse("admin:articles_article_add"), story_form(photo_image=jpeg_upload())
    )
    assert response.status_code == 200
    assert "Tulis keterangan untuk foto ini." in str(response.context["adminform"].form.errors)
    assert not Article.objects.exists()


def test_slug_is_frozen_once_the_story_has_been_live(editor):
    article = story(None, Status.IN_REVIEW, headline="Judul Awal")
    workflow.perform(article, "publish", user=editor)
    article.refresh_from_db()
    original = article.slug
    save(logged_in(editor), article, slug="alamat-baru", headline="Judul Diganti")
    article.refresh_from_db()
    assert (article.headline, article.slug) == ("Judul Diganti", original)


def test_deleted_story_keeps_its_revisions_for_restore(editor):
    article = make_article(headline="Akan Dihapus Admin")
    revisions.record(article)
    key = article.pk
    article.delete()
    kept = Revision.objects.get(article_key=key)
    assert kept.article is None and kept.content["headline"] == "Akan Dihapus Admin"


def test_admin_brings_a_deleted_story_back_as_a_draft_with_its_history(django_user_model):
    admin_user = make_staff("Admin", "admin")
    article = make_article(headline="Berita yang Terhapus", tags=["Banjir"])
    revisions.record(article)
    article.version = 2
    article.headline = "Berita yang Terhapus, Diperbaiki"
    article.save()
    revisions.record(article)
    key, slug = article.pk, article.slug
    client = logged_in(admin_user)
    client.post(reverse("admin:articles_article_delete", args=[key]), {"post": "yes"})
    assert not Article.objects.filter(pk=key).exists()

    listing = client.get(reverse("admin:articles_article_deleted"))
    assert "Berita yang Terhapus, Diperbaiki" in listing.content.decode()
    client.post(reverse("admin:articles_article_deleted"), {"article_key": key})
    restored = Article.objects.get(pk=key)
    assert (restored.headline, restored.slug, restored.status) == (
        "Berita yang Terhapus, Diperbaiki",
        slug,
        Status.DRAFT,
    )
    assert list(restored.tags.names()) == ["Banjir"]
    assert list(restored.revisions.values_list("number", flat=True)) == [3, 2, 1]
    bad = client.post(reverse("admin:articles_article_deleted"), {"article_key": "x"})
    assert bad.status_code == 404


def test_deleted_stories_of_other_sites_are_neither_listed_nor_restored():
    """Deleting is the network admins' today; one site's editor given it still reaches only
    the deleted stories of their own sites."""
    elsewhere = make_site(name="Zona Sulawesi", domain="zonasulawesi.test")
    ours = make_article(headline="Terhapus di Situs Kami")
    theirs = make_article(headline="Terhapus di Situs Lain", site=elsewhere)
    for story_ in (ours, theirs):
        revisions.record(story_)
    keys = {ours.headline: ours.pk, theirs.headline: theirs.pk}
    ours.delete()
    theirs.delete()
    deleter = make_staff("Editor", "penghapus")
    deleter.user_permissions.add(Permission.objects.get(codename="delete_article"))
    client = logged_in(deleter)

    listing = client.get(reverse("admin:articles_article_deleted")).content.decode()
    assert "Terhapus di Situs Kami" in listing and "Terhapus di Situs Lain" not in listing
    client.post(reverse("admin:articles_article_deleted"), {"article_key": keys[theirs.headline]})
    assert not Article.objects.filter(pk=keys[theirs.headline]).exists()
    client.post(reverse("admin:articles_article_deleted"), {"article_key": keys[ours.headline]})
    assert Article.objects.filter(pk=keys[ours.headline]).exists()


def test_only_admins_see_deleted_stories(editor):
    assert logged_in(editor).get(reverse("admin:articles_article_deleted")).status_code == 403


def test_textarea_line_endings_do_not_show_as_changes(editor):
    client = logged_in(editor)
    article = story(None, Status.DRAFT, body="Satu.\n\nDua.")
    revisions.record(article)
    save(client, article, body="Satu.\r\n\r\nDua diubah.")
    article.refresh_from_db()
    assert article.body == "Satu.\n\nDua diubah."
    page = client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
    assert [change.html for change in page.context["changes"]] == [
        "Satu.<br><br><del>Dua.</del><ins>Dua diubah.</ins>"
    ]


@pytest.mark.parametrize("deleted", [1, 6])
def test_deleted_stories_list_the_latest_revision_each_in_fixed_queries(
    django_user_model, editor, deleted, django_assert_num_queries
):
    admin_user = make_staff("Admin", "admin")
    for number in range(deleted):
        article = make_article(headline=f"Terhapus {number} lama")
        revisions.record(article, user=editor)
        article.headline = f"Terhapus {number} baru"
        article.version = 2
        article.save()
        revisions.record(article, user=editor)
        article.delete()
    client = logged_in(admin_user)
    client.get(reverse("admin:articles_article_deleted"))  # session and permissions warm
    # The same for one deleted story as for six (one of them the header's unread count).
    with django_assert_num_queries(6):
        html = client.get(reverse("admin:articles_article_deleted")).content.decode()
    assert html.count(" baru<") == deleted and " lama<" not in html
    assert html.count(">editor<") == deleted
