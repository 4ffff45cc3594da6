"""Notes and mentions: who is told, who may read them, and the Notifikasi page."""

import pytest
from django.core import mail
from django.urls import reverse

from articles.editorial import notes, workflow
from articles.models import Article, DeskPreference, Note, Notification
from tests.factories import make_article, make_site, make_staff

pytestmark = pytest.mark.django_db


def notes_url(article):
    return reverse("admin:articles_article_notes", args=[article.pk])


@pytest.fixture
def newsroom():
    """A reporter's story in review on the default site, and people around it."""
    other_site = make_site()
    people = {
        "penulis": make_staff("Penulis", "penulis"),
        "editor": make_staff("Editor", "editor"),
        "redaktur": make_staff("Editor", "redaktur"),
        "admin": make_staff("Admin", "admin"),
        "luar": make_staff("Editor", "luar", sites=[other_site]),
        "penonton": make_staff("Penulis", "penonton"),  # same site, not taking part
    }
    for user in people.values():
        user.email = f"{user.username}@redaksi.test"
        user.save()
    article = make_article(author=people["penulis"], status=Article.Status.DRAFT, published_at=None)
    workflow.perform(article, "submit", user=people["penulis"])
    return article, people


def recipients(kind=None):
    notifications = Notification.objects.all()
    if kind:
        notifications = notifications.filter(kind=kind)
    return sorted(notifications.values_list("recipient__username", flat=True))


def test_a_mention_notifies_exactly_the_mentioned_and_the_participants(client, newsroom):
    article, people = newsroom
    client.force_login(people["editor"])
    response = client.post(
        notes_url(article),
        {"body": "@penulis tolong cek angka korban, @redaktur ikut lihat.", "paragraph": "2"},
    )
    assert response.status_code == 302
    assert recipients(Notification.Kind.MENTION) == ["penulis", "redaktur"]
    assert recipients() == ["penulis", "redaktur"]  # not the writer, not the bystander
    note = Note.objects.get()
    assert note.paragraph == 2 and note.author == people["editor"]

    # A later note reaches the earlier note's writer as a participant.
    notes.add_note(article, user=people["redaktur"], body="Sudah saya baca.")
    assert sorted(
        Notification.objects.filter(kind=Notification.Kind.NOTE).values_list(
            "recipient__username", flat=True
        )
    ) == ["editor", "penulis"]


def test_someone_who_cannot_see_the_story_is_never_notified(newsroom):
    article, people = newsroom
    notes.add_note(article, user=people["editor"], body="@luar dan @admin, lihat ini")
    assert "luar" not in recipients()
    assert recipients(Notification.Kind.MENTION) == ["admin"]  # admins see every site


def test_notes_of_a_story_are_not_readable_by_hand_made_requests_from_outside(client, newsroom):
    article, people = newsroom
    notes.add_note(article, user=people["editor"], body="Rahasia dapur redaksi")
    client.force_login(people["luar"])
    assert client.get(notes_url(article)).status_code == 403
    assert client.post(notes_url(article), {"body": "@penulis halo"}).status_code == 403
    resolve = reverse(
        "admin:articles_article_note_resolve", args=[article.pk, Note.objects.get().pk]
    )
    assert client.post(resolve, {"resolved": "1"}).status_code == 403
    assert client.get(reverse("admin:articles_article_notes", args=[999999])).status_code == 404
    client.force_login(people["penonton"])
    assert "Rahasia dapur" in client.get(notes_url(article)).content.decode()
    assert Note.objects.count() == 1


def test_a_reply_threads_and_a_note_resolves_and_reopens(client, newsroom):
    article, people = newsroom
    note = notes.add_note(article, user=people["editor"], body="Judul terlalu panjang")
    client.force_login(people["penulis"])
    client.post(notes_url(article), {"body": "Sudah saya pendekkan", "parent": note.pk})
    assert note.replies.get().author == people["penulis"]
    resolve = reverse("admin:articles_article_note_resolve", args=[article.pk, note.pk])
    client.post(resolve, {"resolved": "1"})
    note.refresh_from_db()
    assert note.is_resolved and note.resolved_by == people["penulis"]
    client.post(resolve, {"resolved": "0"})
    note.refresh_from_db()
    assert not note.is_resolved
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Judul terlalu panjang" in html and "Sudah saya pendekkan" in html
    assert html.index("Menunggu tinjauan") < html.index("Judul terlalu panjang")  # timeline


def test_a_paragraph_the_story_lacks_is_refused(client, newsroom):
    article, people = newsroom
    client.force_login(people["editor"])
    client.post(notes_url(article), {"body": "Paragraf ini?", "paragraph": "40"})
    assert not Note.objects.exists()


def test_workflow_steps_notify_the_author(newsroom, django_capture_on_commit_callbacks):
    article, people = newsroom
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(article, "request_changes", user=people["editor"], note="Tambah data")
    returned = Notification.objects.get(kind=Notification.Kind.RETURNED)
    assert returned.recipient == people["penulis"] and "Tambah data" in returned.message
    assert mail.outbox[0].to == ["penulis@redaksi.test"]
    workflow.perform(article, "submit", user=people["penulis"])
    workflow.perform(article, "publish", user=people["editor"])
    assert Notification.objects.filter(
        kind=Notification.Kind.PUBLISHED, recipient=people["penulis"]
    ).exists()


def test_email_can_be_turned_off_and_the_list_still_shows_it(
    client, newsroom, django_capture_on_commit_callbacks
):
    article, people = newsroom
    client.force_login(people["penulis"])
    url = reverse("admin:articles_notification_changelist")
    client.post(url, {})  # the box unticked: no e-mail
    assert DeskPreference.objects.get(user=people["penulis"]).email_notifications is False
    with django_capture_on_commit_callbacks(execute=True):
        notes.add_note(article, user=people["editor"], body="@penulis cek lagi")
    assert mail.outbox == []
    html = client.get(url).content.decode()
    assert "editor menyebut Anda" in html
    assert 'class="notification-count"' in html  # the header's unread count
    notification = Notification.objects.get(recipient=people["penulis"])
    opened = client.post(reverse("admin:articles_notification_open", args=[notification.pk]))
    assert opened.url == reverse("admin:articles_article_change", args=[article.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_user_cannot_open_another_users_notification(client, newsroom):
    article, people = newsroom
    notes.add_note(article, user=people["editor"], body="@penulis cek")
    client.force_login(people["redaktur"])
    notification = Notification.objects.get(recipient=people["penulis"])
    url = reverse("admin:articles_notification_open", args=[notification.pk])
    assert client.post(url).status_code == 404


def test_staff_of_a_site_the_story_is_placed_on_can_be_mentioned(newsroom):
    from articles.models import Placement, Site

    article, people = newsroom
    placed_on = people["luar"].newsroom_sites.get()
    Placement.objects.create(article=article, site=placed_on, published_at=None)
    notes.add_note(article, user=people["editor"], body="@luar tayang juga di situsmu")
    assert recipients(Notification.Kind.MENTION) == ["luar"]
    assert Site.objects.default().pk != placed_on.pk


def test_taken_off_the_site_a_user_no_longer_sees_its_stories_notifications(
    client, newsroom, django_capture_on_commit_callbacks
):
    article, people = newsroom
    penulis = people["penulis"]
    with django_capture_on_commit_callbacks() as pending:  # the e-mail is still queued
        notes.add_note(article, user=people["editor"], body="@penulis judulnya bocor?")
    notification = Notification.objects.get(recipient=penulis)
    client.force_login(penulis)
    url = reverse("admin:articles_notification_changelist")
    assert article.headline in client.get(url).content.decode()

    penulis.newsroom_sites.clear()  # moved off the site, at once

    html = client.get(url).content.decode()
    assert article.headline not in html
    assert 'class="notification-count"' not in html
    assert notes.unread_count(penulis) == 0
    opened = client.post(reverse("admin:articles_notification_open", args=[notification.pk]))
    assert opened.status_code == 404
    for callback in pending:
        callback()
    assert mail.outbox == []
