"""What editors choose for readers: "Pilihan Editor" picks and topic pages."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .common import public_url
from .reference import Section
from .sites import Site
from .stories import Article, carrying_tag


class EditorPickQuerySet(models.QuerySet):
    def current(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())


class EditorPick(models.Model):
    """A story the editors put in "Pilihan Editor" on one site's home page or kanal,
    in their order, until it expires."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="editor_picks", verbose_name=_("situs")
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("kanal"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="editor_picks",
        help_text=_("Kosongkan untuk beranda."),
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="editor_picks", verbose_name=_("berita")
    )
    position = models.PositiveSmallIntegerField(
        _("urutan"), default=0, help_text=_("Angka kecil tampil lebih dulu.")
    )
    expires_at = models.DateTimeField(
        _("tampil sampai"), help_text=_("Setelah waktu ini pilihan hilang dengan sendirinya.")
    )

    objects = EditorPickQuerySet.as_manager()

    class Meta:
        verbose_name = _("pilihan editor")
        verbose_name_plural = _("pilihan editor")
        ordering = ["site", "section", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "section", "article"],
                name="editor_pick_once_per_kanal",
                violation_error_message=_("Berita ini sudah menjadi pilihan di kanal ini."),
            ),
            models.UniqueConstraint(
                fields=["site", "article"],
                condition=Q(section=None),
                name="editor_pick_once_on_home",
                violation_error_message=_("Berita ini sudah menjadi pilihan di beranda."),
            ),
        ]
        indexes = [
            models.Index(fields=["site", "section", "expires_at"], name="editor_pick_place"),
        ]

    def __str__(self):
        return str(self.article)


PICKS_SHOWN = 6


def editor_picks(site, section=None, *, limit=PICKS_SHOWN):
    """The current picks of `site`'s home page (or one kanal), in the editors' order,
    as story cards: one query. Each carries `pick_expires_at`."""
    now = timezone.now()
    return list(
        Article.objects.published(site)
        .for_lists()
        .filter(
            editor_picks__site=site,
            editor_picks__section=section,
            editor_picks__expires_at__gt=now,
        )
        .annotate(
            pick_position=F("editor_picks__position"),
            pick_expires_at=F("editor_picks__expires_at"),
        )
        .order_by("pick_position", "-pk")[:limit]
    )


class TopicQuerySet(models.QuerySet):
    def of_story(self, story, site):
        """The topics of `site` a story belongs to (pinned there, or by its tag), by
        title: one query; uses the prefetched tags."""
        tag_ids = [tag.pk for tag in story.tags.all()]
        return list(
            self.filter(Q(site=site) & (Q(stories=story) | Q(tag__in=tag_ids)))
            .distinct()
            .only("title", "slug")
            .order_by("title")
        )


class Topic(models.Model):
    """A curated topic page of one site ("Topik: Banjir Garut"): a lead text, stories the
    editors pin in order, then those with the topic's tag, newest first."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="topics", verbose_name=_("situs")
    )
    title = models.CharField(_("judul"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)
    lead = models.TextField(_("pengantar"), blank=True)
    tag = models.ForeignKey(
        "taggit.Tag",
        verbose_name=_("tag"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Berita bertag ini ikut tampil, terbaru lebih dulu, setelah yang dipilih."),
    )
    stories = models.ManyToManyField(
        Article,
        verbose_name=_("berita pilihan"),
        through="TopicStory",
        blank=True,
        related_name="topics",
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topik")
        verbose_name_plural = _("topik")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["site", "slug"], name="topic_slug_per_site"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return public_url("articles:topic", self.slug)

    def select(self, stories):
        """Of `stories` (read through `published(site)`), this topic's: those the editors
        pinned, in their order, then those with the topic's tag, newest first."""

        pinned = TopicStory.objects.filter(topic=self, article=models.OuterRef("pk"))
        chosen = Q(models.Exists(pinned))
        if self.tag_id is not None:
            chosen |= Q(carrying_tag(tag_id=self.tag_id))
        return (
            stories.filter(chosen)
            .annotate(pinned_at=models.Subquery(pinned.values("position")[:1]))
            .order_by(F("pinned_at").asc(nulls_last=True), "-here__published_at", "-pk")
        )


class TopicStory(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, verbose_name=_("topik"))
    article = models.ForeignKey(Article, on_delete=models.CASCADE, verbose_name=_("berita"))
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("berita topik")
        verbose_name_plural = _("berita topik")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "article"], name="topic_story_once"),
        ]

    def __str__(self):
        return str(self.article)
