"""Editors working together on a story: notes with @mentions, and notifications.

Who hears about a story is decided here and nowhere else: the people a note
mentions and the story's participants (its author, whoever moved it through the
workflow, whoever wrote a note on it) — and of those only the ones who can see the
story in the admin (network admins, or staff of a site it comes from or runs on).
A mention of anyone else is ignored, so a note never tells an outsider a story exists.

Notifications are rows written with the change that caused them (in its
transaction); their e-mails go out once that transaction commits, to those who
have not turned e-mail off.
"""

import logging
import re
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from ..delivery.purge import story_site_ids
from ..models import Article, DeskPreference, Note, Notification, StateChange
from ..network import NETWORK_PERMISSION, user_sites
from ..queue import enqueue_on_commit

logger = logging.getLogger(__name__)
Kind = Notification.Kind
# "@nama" as Django spells usernames (letters, digits, . + - _); a trailing dot ends a sentence.
MENTION = re.compile(r"(?<![\w@.])@([\w.+-]+)")


def mentioned_usernames(text):
    return {name.rstrip(".") for name in MENTION.findall(text) if name.rstrip(".")}


def sees_stories(user):
    """Whether `user` sees any story in the admin (ArticleAdmin's view permission)."""
    may_view = user.has_perm("articles.view_article") or user.has_perm("articles.change_article")
    return user.is_active and user.is_staff and may_view


def can_see(user, article, site_ids=None):
    """Whether `user` sees `article` in the admin (ArticleAdmin's own rule)."""
    if not sees_stories(user):
        return False
    if user.has_perm(NETWORK_PERMISSION):
        return True
    site_ids = story_site_ids(article) if site_ids is None else site_ids
    return user.newsroom_sites.filter(pk__in=site_ids).exists()


def visible_stories(user):
    """`can_see()` as a query: the stories `user` sees in the admin, by the sites they
    work on now (a query, not a list, so that one taken off a site stops at once)."""
    if not sees_stories(user):
        return Article.objects.none()
    if user.has_perm(NETWORK_PERMISSION):
        return Article.objects.all()
    return Article.objects.from_or_on(user_sites(user).values("pk"))


def notifications_of(user):
    """`user`'s notifications about stories they can still see: what the Notifikasi page
    lists and counts. Those about a story of a site they have left are kept, not shown."""
    return Notification.objects.filter(recipient=user, article__in=visible_stories(user))


def participants(article):
    """The users taking part in a story: its author, whoever moved it, note writers."""
    ids = set(
        StateChange.objects.filter(article=article, actor__isnull=False).values_list(
            "actor", flat=True
        )
    )
    ids |= set(
        Note.objects.filter(article=article, author__isnull=False).values_list("author", flat=True)
    )
    if article.author_id:
        ids.add(article.author_id)
    return ids


def audience(article, user_ids):
    """Of `user_ids`, the users who can see `article`."""
    site_ids = story_site_ids(article)
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True, is_staff=True)
    return [user for user in users if can_see(user, article, site_ids)]


def add_note(article, *, user, body, parent=None, paragraph=None):
    """Write a note (or a reply) on `article` as `user` and tell those it concerns.

    Raises ValidationError with an editor-facing message for an empty note, a
    paragraph the story does not have, or a reply to another story's note.
    """
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Tulis isi catatan."), code="empty")
    if parent is not None and parent.article_id != article.pk:
        raise ValidationError(_("Catatan yang dibalas bukan milik berita ini."), code="parent")
    if parent is not None and parent.parent_id is not None:
        parent = parent.parent  # one level of replies: a reply to a reply joins the thread
    if paragraph is not None and not 1 <= paragraph <= max(len(article.paragraphs), 1):
        raise ValidationError(
            _("Berita ini hanya punya %(count)s paragraf.") % {"count": len(article.paragraphs)},
            code="paragraph",
        )
    with transaction.atomic():
        concerned = participants(article)
        note = Note.objects.create(
            article=article, parent=parent, author=user, body=body, paragraph=paragraph
        )
        named = mentioned_usernames(body)
        mentioned = set(
            get_user_model().objects.filter(username__in=named).values_list("pk", flat=True)
        )
        who = user.get_username()
        for recipient in audience(article, mentioned | concerned):
            if recipient.pk == user.pk:
                continue
            if recipient.pk in mentioned:
                kind = Kind.MENTION
                message = _("%(who)s menyebut Anda di catatan '%(headline)s'")
            else:
                kind = Kind.NOTE
                message = _("%(who)s menulis catatan di '%(headline)s'")
            notify(
                recipient,
                kind,
                article,
                actor=user,
                note=note,
                message=message % {"who": who, "headline": article.headline},
            )
    return note


def set_resolved(note, *, user, resolved):
    """Mark a note thread resolved, or open it again."""
    note.resolved_at = timezone.now() if resolved else None
    note.resolved_by = user if resolved else None
    note.save(update_fields=["resolved_at", "resolved_by"])
    return note


def story_moved(article, action, *, user, note=""):
    """After a workflow step (in its transaction): tell the story's author."""
    messages = {
        "request_changes": (Kind.RETURNED, _("'%(headline)s' dikembalikan ke Anda oleh %(who)s")),
        "publish": (Kind.PUBLISHED, _("Berita Anda '%(headline)s' terbit")),
        "schedule": (Kind.SCHEDULED, _("Berita Anda '%(headline)s' terjadwal terbit %(when)s")),
    }
    if action not in messages or article.author is None or article.author_id == user.pk:
        return
    kind, message = messages[action]
    if not audience(article, {article.author_id}):
        return
    text = message % {
        "headline": article.headline,
        "who": user.get_username(),
        "when": article.date_line,
    }
    if note:
        text = f"{text}: {note}"
    notify(article.author, kind, article, actor=user, message=text[:300])


def notify(recipient, kind, article, *, actor=None, note=None, message):
    """One notification, and its e-mail once the change that made it is committed."""
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, article=article, actor=actor, note=note, message=message
    )
    if recipient.email and wants_email(recipient):
        enqueue_on_commit(email_notification, notification.pk)
    return notification


def wants_email(user):
    preference = DeskPreference.objects.filter(user=user).first()
    return preference is None or preference.email_notifications


def send_notification_email(notification):
    """The e-mail of a notification, unless its recipient can no longer see the story
    (taken off its sites since it was written: it may have waited in the queue)."""
    if not can_see(notification.recipient, notification.article):
        return
    site = notification.article.site
    scheme = "https" if settings.HTTPS else "http"
    link = f"{scheme}://{site.domain}" + reverse(
        "admin:articles_article_change", args=[notification.article_id]
    )
    try:
        send_mail(
            subject=f"[{settings.NEWSROOM_NAME}] {notification.message}"[:200],
            message=f"{notification.message}\n\n{link}\n\n"
            + _("Atur e-mail notifikasi di halaman Notifikasi."),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except (smtplib.SMTPException, OSError):
        # The notification is in the admin already; a mail server down must not fail the save.
        logger.exception("Notification e-mail to user %s not sent", notification.recipient_id)


def unread_count(user):
    return notifications_of(user).filter(read_at=None).count()


def mark_read(user, notification_ids=None):
    unread = notifications_of(user).filter(read_at=None)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


@task()
def email_notification(notification_id):
    """A notification's e-mail (`send_notification_email`), once it is committed."""
    notification = (
        Notification.objects.select_related("recipient", "article__site")
        .filter(pk=notification_id)
        .first()
    )
    if notification is not None:
        send_notification_email(notification)
