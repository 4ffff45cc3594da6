"""Embeds: a social post or video named by its URL in a story's body, and what we keep of it.

One row per URL, shared by every story that embeds it. The metadata (title, author, the
thumbnail, stored on our own storage) comes from the provider's oEmbed endpoint in a
background task (`articles.media.embeds`); readers get a card served from our own host,
and the provider's frame only once they click. Imports nothing of the project but Django.
"""

from uuid import uuid4

from django.db import models
from django.utils.translation import gettext_lazy as _

PROVIDER_NAMES = {
    "youtube": "YouTube",
    "instagram": "Instagram",
    "x": "X (Twitter)",
    "tiktok": "TikTok",
    "facebook": "Facebook",
}


def embed_thumbnail_path(embed, filename):
    """`embeds/<provider>/<random>.<suffix>`: a fresh name each time, so caches never go stale."""
    suffix = filename.rpartition(".")[2].lower() if "." in filename else "jpg"
    return f"embeds/{embed.provider}/{uuid4().hex}.{suffix}"


class Embed(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("menunggu data")
        READY = "ready", _("siap")
        LINK = "link", _("kartu tautan")

    url = models.URLField(_("URL"), max_length=1000, unique=True)
    provider = models.CharField(_("penyedia"), max_length=20, choices=list(PROVIDER_NAMES.items()))
    # The provider's player or post frame, made from the URL (empty: a link card only).
    frame_url = models.URLField(_("URL bingkai"), max_length=1000, blank=True)
    title = models.CharField(_("judul"), max_length=500, blank=True)
    author_name = models.CharField(_("pembuat"), max_length=200, blank=True)
    thumbnail = models.ImageField(
        _("gambar kecil"),
        upload_to=embed_thumbnail_path,
        blank=True,
        width_field="thumbnail_width",
        height_field="thumbnail_height",
    )
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    error = models.TextField(_("galat terakhir"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    fetched_at = models.DateTimeField(_("diambil pada"), null=True, blank=True)
    # When a link card is tried again (None: not on its own, e.g. waiting for the Meta token).
    retry_after = models.DateTimeField(_("coba lagi setelah"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sematan")
        verbose_name_plural = _("sematan")
        indexes = [models.Index(fields=["status", "retry_after"], name="embed_due_retry")]

    def __str__(self):
        return self.url

    @property
    def provider_name(self):
        return PROVIDER_NAMES.get(self.provider, self.provider)

    @property
    def is_link(self):
        """Shown as a plain link card (URL and provider) rather than with its metadata."""
        return self.status != self.Status.READY
