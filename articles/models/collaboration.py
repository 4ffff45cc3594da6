"""How editors work together on stories: autosaves, notes between editors,
notifications, each user's desk preferences, and the planning budget.
("Desk" means the editors' admin alone: `DeskPreference` is a choice made there.)"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .reference import Section
from .sites import Site
from .stories import Article


class Autosave(models.Model):
    """The story form as one user last typed it, kept every few seconds while they type.

    Not a revision and not the story: it never bumps the version, never reaches readers
    and belongs to its user alone. A new story's form (not yet saved) has no article.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="autosaves"
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="autosaves"
    )
    data = models.JSONField(_("isian formulir"))
    base_version = models.PositiveIntegerField(_("versi saat dibuka"), null=True, blank=True)
    saved_at = models.DateTimeField(_("disimpan otomatis"), default=timezone.now)

    class Meta:
        verbose_name = _("simpanan otomatis")
        verbose_name_plural = _("simpanan otomatis")
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="autosave_per_user_story"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(article=None), name="autosave_per_user_new_story"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} @ {self.article_id or '-'}"


class Note(models.Model):
    """A note between editors on a story, optionally on one paragraph; replies thread."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="notes", verbose_name=_("berita")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("balasan untuk"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("penulis catatan"),
    )
    body = models.TextField(_("catatan"), help_text=_("Sebut rekan dengan @nama-pengguna."))
    paragraph = models.PositiveSmallIntegerField(
        _("paragraf ke-"), null=True, blank=True, help_text=_("Kosongkan untuk seluruh berita.")
    )
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)
    resolved_at = models.DateTimeField(_("diselesaikan"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diselesaikan oleh"),
    )

    class Meta:
        verbose_name = _("catatan redaksi")
        verbose_name_plural = _("catatan redaksi")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.body[:80]

    @property
    def is_resolved(self):
        return self.resolved_at is not None


class Notification(models.Model):
    """Something a user of the desk should know about one story."""

    class Kind(models.TextChoices):
        MENTION = "mention", _("Disebut dalam catatan")
        NOTE = "note", _("Catatan baru")
        RETURNED = "returned", _("Dikembalikan ke Anda")
        PUBLISHED = "published", _("Berita Anda terbit")
        SCHEDULED = "scheduled", _("Berita Anda terjadwal")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("berita")
    )
    note = models.ForeignKey(Note, on_delete=models.CASCADE, null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.CharField(_("pesan"), max_length=300)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self):
        return self.message


class DeskPreference(models.Model):
    """One user's choices for the desk: whether notifications also come by e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_preference"
    )
    email_notifications = models.BooleanField(
        _("kirim notifikasi lewat e-mail"),
        default=True,
        help_text=_("Notifikasi tetap tampil di halaman Notifikasi."),
    )

    class Meta:
        verbose_name = _("preferensi redaksi")
        verbose_name_plural = _("preferensi redaksi")

    def __str__(self):
        return str(self.user)


class Assignment(models.Model):
    """A story in the budget ("Rencana liputan"): a pitch or an assignment to a reporter,
    with a kanal and a due time; it becomes a draft story in one step."""

    class Status(models.TextChoices):
        PITCH = "pitch", _("Usulan")
        ASSIGNED = "assigned", _("Ditugaskan")
        FILED = "filed", _("Sudah dikirim")

    title = models.CharField(_("judul rencana"), max_length=300)
    notes = models.TextField(_("catatan"), blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    site = models.ForeignKey(
        Site, verbose_name=_("situs"), on_delete=models.CASCADE, related_name="assignments"
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("kanal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    due_at = models.DateTimeField(_("tenggat"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PITCH
    )
    article = models.OneToOneField(
        Article,
        verbose_name=_("draf berita"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignment",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("rencana liputan")
        verbose_name_plural = _("rencana liputan")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["site", "due_at"], name="assignment_site_due")]

    def __str__(self):
        return self.title

    @property
    def local_due_at(self):
        """The due time on its site's clock (WIB, WITA or WIT)."""
        return self.due_at.astimezone(self.site.zone)
