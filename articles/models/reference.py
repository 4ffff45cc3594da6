"""Reference data that stories point to: editors, sources, kanal, photos and the
partners that receive embargoed stories."""

import secrets
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..media.images import PhotoImageField
from .common import public_url, unique_slug, web_url
from .sites import Site


class NamedWithSlug(models.Model):
    """Editors and sources: a name, a URL slug made from it, found case-insensitively."""

    name = models.CharField(_("nama"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name, exclude_pk=self.pk, max_length=140)
        super().save(*args, **kwargs)


class Editor(NamedWithSlug):
    bio = models.TextField(_("biografi singkat"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun pengguna"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="editor_profile",
        help_text=_("Akun yang dipakai editor ini untuk masuk ke admin, bila ada."),
    )

    class Meta(NamedWithSlug.Meta):
        verbose_name = _("editor")
        verbose_name_plural = _("editor")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="editor_name_unique_ci"),
        ]

    def get_absolute_url(self):
        return public_url("articles:editor", self.slug)


class Source(NamedWithSlug):
    url = models.URLField(_("URL"), blank=True, validators=[web_url])

    class Meta(NamedWithSlug.Meta):
        verbose_name = _("sumber")
        verbose_name_plural = _("sumber")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="source_name_unique_ci",
                violation_error_message=_("Sumber dengan nama ini sudah ada."),
            ),
        ]

    def get_absolute_url(self):
        return public_url("articles:source", self.slug)


class Section(models.Model):
    """A kanal/rubrik (Nasional, Jabar, Olahraga...): one per story, in the site navigation."""

    name = models.CharField(_("nama"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("deskripsi"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("urutan di navigasi"),
        default=0,
        help_text=_("Kanal dengan angka kecil tampil lebih dulu."),
    )

    class Meta:
        verbose_name = _("kanal")
        verbose_name_plural = _("kanal")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return public_url("articles:section", self.slug)


def photo_upload_path(instance, filename):
    """Stored names are generated; the uploader's file name never reaches the disk."""
    suffix = PurePosixPath(filename).suffix.lower()[:5]
    return f"foto/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def originals_storage():
    """Where originals are kept: a storage with no public URL (settings "originals")."""
    return storages["originals"]


class PhotoQuerySet(models.QuerySet):
    def on_sites(self, site_ids):
        """The photos of any of these sites."""
        return self.filter(
            pk__in=Photo.sites.through.objects.filter(site_id__in=site_ids).values("photo_id")
        )

    def create_on(self, sites, **fields):
        """A new photo belonging to `sites` (its uploader's, or its story's)."""
        photo = self.create(**fields)
        photo.sites.set(sites)
        return photo


class Photo(models.Model):
    """A picture, with the caption and credit a story takes when it first uses it.

    A story keeps its own caption and credit (`Article.photo_caption`), so editing a
    photo never changes a story. A photo belongs to the sites of whoever uploaded it:
    only their desks see, pick and edit it.
    """

    image = PhotoImageField(
        _("berkas foto"),
        upload_to=photo_upload_path,
        blank=True,
        width_field="width",
        height_field="height",
        original_field="original",
        help_text=_(
            "JPEG, PNG atau WebP, sampai 100 juta piksel. Boleh menyusul: keterangan bisa "
            "ditulis lebih dulu."
        ),
    )
    # After `image`: its pre_save fills this one in.
    original = models.FileField(
        _("berkas asli"),
        upload_to=photo_upload_path,
        storage=originals_storage,
        blank=True,
        editable=False,
        max_length=200,
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The point every crop keeps in view, as fractions of the width and height.
    focal_x = models.FloatField(
        _("titik fokus (mendatar)"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    focal_y = models.FloatField(
        _("titik fokus (tegak)"),
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengunggah"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(
        _("diunggah"), default=timezone.now, null=True, editable=False, db_index=True
    )  # null: photos from before this field, whose date is not known
    caption = models.TextField(_("keterangan foto"))
    credit = models.CharField(
        _("kredit"),
        max_length=200,
        blank=True,
        help_text=_("Contoh: Pool via REUTERS/Amanda Andrade-Rhoades"),
    )
    sites = models.ManyToManyField(
        Site,
        verbose_name=_("situs"),
        blank=True,
        related_name="photos",
        help_text=_("Redaksi situs-situs ini melihat, memakai dan menyunting foto ini."),
    )

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("foto")
        verbose_name_plural = _("foto")

    def __str__(self):
        return self.caption[:80]

    @property
    def crop_key(self):
        """`f500-333`: the focal point in thousandths, part of every cropped rendition's
        name and cache key, so a new focal point never reuses an old crop's file."""
        return f"f{round(self.focal_x * 1000)}-{round(self.focal_y * 1000)}"


def partner_token():
    return secrets.token_urlsafe(32)


class Partner(models.Model):
    """A partner outlet that receives chosen embargoed stories at its own secret feed."""

    name = models.CharField(_("nama"), max_length=120, unique=True)
    token = models.CharField(
        _("token rahasia"),
        max_length=64,
        unique=True,
        default=partner_token,
        help_text=_("Bagian alamat umpan mitra; ganti bila alamatnya bocor."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("mitra")
        verbose_name_plural = _("mitra")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_feed_url(self):
        return reverse("articles:partner_feed", args=[self.token])
