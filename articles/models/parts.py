"""What a story is made of besides its own row: its placements on the sites of the
network, the sources it cites, its "Baca Juga" links, bylines and live updates.

These name `Article` by its label ("Article"), since `stories` imports them."""

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import text
from .common import web_url
from .reference import Editor, Section, Source
from .sites import Site


class PlacementQuerySet(models.QuerySet):
    def elsewhere(self):
        """Placements on sites other than their story's origin."""
        return self.exclude(site=F("article__site"))


class Placement(models.Model):
    """A story on one site of the network, with that site's kanal, time and headline.

    Every story has one on its origin site, kept equal to the story's own kanal and
    publication time by `articles.placements` (the one writer of this table); the
    others place it on further sites, each scheduled on its own. Readers' lists of
    a site are read through its placements (`Article.objects.published(site)`).
    """

    article = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="placements", verbose_name=_("berita")
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="placements", verbose_name=_("situs")
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("kanal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    published_at = models.DateTimeField(_("waktu tayang"), null=True, blank=True)
    headline = models.CharField(
        _("judul di situs ini"),
        max_length=300,
        blank=True,
        help_text=_("Kosongkan untuk memakai judul asli berita."),
    )
    withdrawn_at = models.DateTimeField(_("ditarik"), null=True, blank=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("penayangan")
        verbose_name_plural = _("penayangan")
        ordering = ["site__name"]
        constraints = [
            models.UniqueConstraint(fields=["article", "site"], name="placement_once_per_site"),
        ]
        indexes = [
            # A site's lists: newest first, per kanal too.
            models.Index(fields=["site", "-published_at"], name="placement_site_time"),
            models.Index(
                fields=["site", "section", "-published_at"], name="placement_site_section_time"
            ),
        ]

    def __str__(self):
        return f"{self.article_id} @ {self.site_id}"

    @property
    def is_origin(self):
        return self.site_id == self.article.site_id

    @property
    def is_live(self):
        return (
            self.withdrawn_at is None
            and self.published_at is not None
            and self.published_at <= timezone.now()
            and self.article.is_published
        )

    @property
    def is_scheduled(self):
        return (
            self.withdrawn_at is None
            and self.published_at is not None
            and self.published_at > timezone.now()
        )


class ArticleSource(models.Model):
    """A story's source; a source still cited cannot be deleted (PROTECT)."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("sumber"))
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("sumber berita")
        verbose_name_plural = _("sumber berita")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "source"], name="article_source_once"),
        ]

    def __str__(self):
        return str(self.source)


class RelatedLink(models.Model):
    """A "Baca Juga" block: a pointer to another story, placed between paragraphs."""

    article = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="related_links", verbose_name=_("berita")
    )
    after_paragraph = models.PositiveIntegerField(
        _("sebelum paragraf ke-"),
        help_text=_("0 = sebelum paragraf pertama, 3 = setelah paragraf ketiga."),
    )
    position = models.PositiveIntegerField(_("urutan"), default=0)
    target = models.ForeignKey(
        "Article",
        verbose_name=_("berita tujuan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(
        _("judul"),
        max_length=300,
        blank=True,
        help_text=_("Diisi otomatis dari berita tujuan bila kosong."),
    )
    url = models.URLField(
        _("URL"),
        blank=True,
        validators=[web_url],
        help_text=_("Hanya untuk tautan ke luar, bila tidak ada berita tujuan."),
    )

    class Meta:
        verbose_name = _("tautan Baca Juga")
        verbose_name_plural = _("tautan Baca Juga")
        ordering = ["after_paragraph", "position"]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        """The stored title, else the target's headline once readers may see that story."""
        if self.title or self.target is None:
            return self.title
        return self.target.headline if self.target.is_published else ""

    def href_from(self, site, request):
        """Where the link goes when read on `site`: the target story at its origin once
        readers can see it (on another site of the network: an absolute URL on that
        site's domain), else the stored URL."""
        target = self.target
        if target is None or not target.is_published:
            return self.url
        if site is not None and target.site_id == site.pk:
            return target.get_absolute_url()
        return target.canonical_url(request)


class Byline(models.Model):
    """One person credited on a story, in the order the page prints them.

    The story's `editor` stays what the seed's `Editor:` line names; bylines are the
    people besides (reporters, contributors, photographers, editors)."""

    class Role(models.TextChoices):
        WRITER = "penulis", _("Penulis")
        CONTRIBUTOR = "kontributor", _("Kontributor")
        PHOTOGRAPHER = "fotografer", _("Fotografer")
        EDITOR = "editor", _("Editor")

    article = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="bylines", verbose_name=_("berita")
    )
    person = models.ForeignKey(
        Editor, on_delete=models.PROTECT, related_name="bylines", verbose_name=_("nama")
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, default=Role.WRITER)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("byline")
        verbose_name_plural = _("byline")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "person", "role"],
                name="byline_once_per_role",
                violation_error_message=_("Orang ini sudah tercantum dengan peran yang sama."),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.person}"


class LiveUpdate(models.Model):
    """One timestamped update of a live report, shown newest first."""

    article = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="live_updates", verbose_name=_("berita")
    )
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    title = models.CharField(_("judul"), max_length=200, blank=True)
    text = models.TextField(_("isi"), help_text=_("Pisahkan paragraf dengan satu baris kosong."))

    class Meta:
        verbose_name = _("pembaruan langsung")
        verbose_name_plural = _("pembaruan langsung")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["article", "-at"], name="live_update_article_time")]

    def __str__(self):
        return self.title or self.text[:80]

    @property
    def paragraphs(self):
        return text.body_parts(self.text)
