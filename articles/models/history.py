"""A story's past: the steps of its workflow and the revisions of its content."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .sites import Site
from .stories import Article


class StateChange(models.Model):
    """One step of a story's workflow: who moved it, when, from which state to which."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="state_changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    action = models.CharField(_("tindakan"), max_length=30)
    from_status = models.CharField(_("dari"), max_length=20, choices=Article.Status.choices)
    to_status = models.CharField(_("ke"), max_length=20, choices=Article.Status.choices)
    publish_at = models.DateTimeField(_("waktu terbit"), null=True, blank=True)
    site = models.ForeignKey(
        Site,
        verbose_name=_("situs"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Untuk penayangan di situs lain; kosong untuk berita di situs asalnya."),
    )
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("riwayat status")
        verbose_name_plural = _("riwayat status")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.article_id}: {self.from_status} → {self.to_status}"


class Revision(models.Model):
    """A snapshot of a story's editorial content, kept on every save.

    `content` holds plain data (see `articles.revisions`) so that a revision
    outlives the rows it names and can be compared and restored field by field.
    Revisions survive the deletion of their story, for restore.
    """

    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, related_name="revisions"
    )
    article_key = models.PositiveBigIntegerField(_("nomor berita"), db_index=True)
    number = models.PositiveIntegerField(_("nomor revisi"))
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    content = models.JSONField(_("isi"))
    note = models.CharField(_("catatan"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("revisi")
        verbose_name_plural = _("revisi")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article_key", "number"], name="revision_number_once"),
        ]

    def __str__(self):
        return f"Revisi {self.number}"
