"""The story (`Article`) and its queryset, beside it: what readers may see, on
which site, and what the pages read in how many queries."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from .. import text
from .common import ZONES, public_url, time_zone_field, unique_slug
from .parts import ArticleSource, Byline, Placement, RelatedLink
from .reference import Editor, Photo, Section, Source
from .sites import Site

PAGE_JOINS = ("photo", "editor", "section", "site")
RELATED_SHOWN = 4  # Berita Terkait under a story


def page_relations():
    """What the article page reads besides the story row: one query each."""
    return [
        models.Prefetch("sources", queryset=Source.objects.order_by("articlesource__position")),
        "tags",
        models.Prefetch(
            "related_links", queryset=RelatedLink.objects.select_related("target__site")
        ),
        models.Prefetch("bylines", queryset=Byline.objects.select_related("person")),
    ]


def carrying_tag(**tag):
    """EXISTS: the story of the outer row carries the tag that `tag` names (`tag=`,
    `tag_id=` or `tag_id__in=`): a subquery rather than a join (`tagged()` says why)."""
    return models.Exists(
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),  # cached: no query
            object_id=models.OuterRef("pk"),
            **tag,
        )
    )


class ArticleQuerySet(models.QuerySet):
    def on_site(self, site):
        """Stories as `site` runs them: each row joined to its placement there (`here`),
        which carries that site's time, kanal and headline."""
        return (
            self.alias(here=FilteredRelation("placements", condition=Q(placements__site=site)))
            # Filters name these rather than `here__...`: a later filter() on a reverse
            # relation joins it again, and each join costs PostgreSQL planning time.
            .alias(
                placed_at=F("here__published_at"),
                placed_section=F("here__section"),
                placed_withdrawn_at=F("here__withdrawn_at"),
            )
            .select_related("here", "here__section")
        )

    def from_or_on(self, sites):
        """Stories, in any state, that come from one of `sites` (ids, or a query of them)
        or are placed on one: those the staff of these sites see in the admin."""
        placed = Placement.objects.filter(article=models.OuterRef("pk"), site__in=sites)
        return self.filter(Q(site__in=sites) | Q(models.Exists(placed)))

    def published(self, site=None, *, now=None):
        """Stories readers may see: published, and their publication time has come
        (by `now`, the current time unless given).

        With `site`, on that site: its own placement's time has come and that
        placement is not withdrawn. Without, at the story's origin.
        """
        now = now or timezone.now()
        live = self.filter(status=Article.Status.PUBLISHED)
        if site is None:
            return live.filter(published_at__lte=now)
        return live.on_site(site).filter(placed_at__lte=now, placed_withdrawn_at=None)

    def under_embargo(self):
        """Stories whose embargo time is still to come (none of them is live)."""
        return self.filter(embargo_until__gt=timezone.now())

    def scheduled(self):
        """Published stories whose time is still to come: they go live by themselves."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def latest_published(self, site=None, *, now=None):
        """Newest first: by the site's own publication time when `site` is given."""
        if site is None:
            return self.published(now=now).order_by("-published_at", "-pk")
        return self.published(site, now=now).order_by("-here__published_at", "-pk")

    def canonical_on(self, site):
        """Of the stories `site` runs, those it is the origin of: what its sitemaps list."""
        return self.filter(site=site)

    # The lists below narrow the stories one site runs (after `published(site)` or
    # `on_site(site)`), by that site's placement: every list is read on a site.
    def published_in(self, start, end):
        """Stories published on the site from `start` until before `end`."""
        return self.filter(placed_at__gte=start, placed_at__lt=end)

    def in_section(self, section):
        """Stories in `section` (a kanal or its key) as the site files them."""
        return self.filter(placed_section=getattr(section, "pk", section))

    def tagged(self, tag):
        """Stories with `tag`, as EXISTS rather than a join.

        On PostgreSQL this lets a list of a big tag walk the newest stories in
        index order and stop after one page (1 ms instead of about 20 ms for a tag
        on 4,000 of 100,000 stories); a small tag is still read through its items.
        """
        return self.filter(carrying_tag(tag=tag))

    def in_order(self, ids):
        """These stories in the order of `ids`; an id no longer among them (a story
        withdrawn since the ids were chosen) is left out."""
        found = self.in_bulk(ids)  # no query for no ids
        return [found[pk] for pk in ids if pk in found]

    def for_lists(self):
        """What story cards show, in one query (with the site's placement, when on one:
        `only()` cannot narrow a FilteredRelation, so its narrow row is read whole)."""
        return self.select_related("photo", "section").only(
            "headline", "slug", "published_at", "time_zone", "photo__image",
            "photo__width", "photo__height", "photo__focal_x", "photo__focal_y", "section__name",
            "section__slug",
        )  # fmt: skip

    def related_to(self, story, site, *, limit=RELATED_SHOWN):
        """Berita Terkait of `story` on `site` (after `published(site)` is applied
        here): stories sharing one of its tags, newest first, without the story itself
        and the stories its Baca Juga links already show. One query; uses the
        prefetched tags and links."""

        tag_ids = [tag.pk for tag in story.tags.all()]
        if not tag_ids:
            return []
        shown = {story.pk} | {link.target_id for link in story.related_links.all()}
        sharing_a_tag = carrying_tag(tag_id__in=tag_ids)
        stories = self.latest_published(site).for_lists().filter(sharing_a_tag)
        return list(stories.exclude(pk__in=shown - {None})[:limit])

    def for_page(self):
        """Everything the article page shows, in a fixed number of queries."""
        return self.select_related(*PAGE_JOINS).prefetch_related(*page_relations())

    def popular(self, site, *, days, limit):
        """Of these stories, the most read on `site` over the last `days` days (views
        per day, counted on every site the story runs on), ties broken by recency.

        The ranking sums narrow DailyViews rows per story id in a subquery; only the
        `limit` stories it picks are read whole. (Grouping every story card by its
        views took 200-450 ms at 100,000 stories; this takes about 35 ms.)
        """
        since = timezone.localdate() - timedelta(days=days - 1)
        in_window = models.Q(daily_views__day__gte=since)
        ranking = (
            Article.objects.published(site)
            .filter(in_window)
            .values("pk")
            .annotate(window_views=models.Sum("daily_views__views"))
            .order_by("-window_views", "-published_at", "-pk")
            .values("pk")[:limit]
        )
        return (
            self.filter(pk__in=ranking)
            .annotate(window_views=models.Sum("daily_views__views", filter=in_window))
            .order_by("-window_views", "-published_at", "-pk")
        )


def shown_on(site, rows, *story_fields):
    """Of `rows` (tags, editors, sources), those a story published on `site` names through
    one of its `story_fields`: only they have a page there, so that a name used by drafts
    alone (or by another site) never reaches readers."""
    published = Article.objects.published(site)
    named = Q()
    for field in story_fields:
        named |= Q(models.Exists(published.filter(**{field: models.OuterRef("pk")})))
    return rows.filter(named)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        IN_REVIEW = "review", _("Menunggu tinjauan")
        PUBLISHED = "published", _("Terbit")
        UNPUBLISHED = "unpublished", _("Ditarik")

    headline = models.CharField(_("judul"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("Bagian alamat berita. Dibuat dari judul; tidak berubah setelah terbit."),
    )
    dateline = models.CharField(
        _("dateline"),
        max_length=120,
        blank=True,
        help_text=_("Huruf kapital, misalnya ZONA PRIANGAN atau TASIKMALAYA, ZONA PRIANGAN."),
    )
    body = models.TextField(
        _("isi berita"), help_text=_("Pisahkan paragraf dengan satu baris kosong.")
    )
    end_mark = models.BooleanField(
        _("tanda akhir (***)"), default=True, help_text=_("Tampilkan *** di akhir berita.")
    )
    photo = models.ForeignKey(
        Photo,
        verbose_name=_("foto utama"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    # The story's own, copied from the photo when it is chosen: editing the photo later
    # changes no story. NULL-able without a default, so SQLite adds the columns in place
    # (see migration 0008).
    photo_caption = models.TextField(_("keterangan foto"), null=True, blank=True)
    photo_credit = models.CharField(_("kredit foto"), max_length=200, null=True, blank=True)
    editor = models.ForeignKey(
        Editor,
        verbose_name=_("editor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("kanal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    sources = models.ManyToManyField(
        Source,
        verbose_name=_("sumber"),
        blank=True,
        related_name="articles",
        through="ArticleSource",
    )
    # NULL only in the column (SQLite adds a NULL-able column without rebuilding the
    # table, see migration 0008); every story has an origin, as the form requires.
    site = models.ForeignKey(
        Site,
        verbose_name=_("situs asal"),
        on_delete=models.PROTECT,
        null=True,
        related_name="articles",
        help_text=_("Situs tempat berita ini terbit lebih dulu; alamat kanonisnya di situs ini."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penulis"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        help_text=_("Akun yang menulis berita ini."),
    )
    tags = TaggableManager(_("tag"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("waktu terbit"), null=True, blank=True)
    time_zone = time_zone_field(
        _("Zona waktu yang dipakai untuk menampilkan waktu terbit berita ini.")
    )
    first_published_at = models.DateTimeField(
        _("pertama terbit"), null=True, blank=True, editable=False
    )
    content_updated_at = models.DateTimeField(
        _("isi diperbarui"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Waktu isi berita yang sudah terbit terakhir diubah; pembaca melihat 'Diperbarui'."
        ),
    )
    correction = models.TextField(
        _("koreksi"),
        blank=True,
        help_text=_("Catatan koreksi untuk pembaca, tampil sebagai 'Koreksi: ...' di berita."),
    )
    version = models.PositiveIntegerField(
        _("versi"),
        default=1,
        editable=False,
        help_text=_("Naik setiap kali berita disimpan atau statusnya berubah."),
    )
    # NULL, not "", for stories that did not come from a seed: a column that may hold
    # NULL is one SQLite adds without rebuilding the table (see migration 0008).
    seed_headline = models.CharField(
        _("judul di berkas seed"),
        max_length=300,
        null=True,
        editable=False,
        db_index=True,
        help_text=_("Judul berita ini di berkas seed tempat ia dimuat; tetap bila judul diubah."),
    )
    # How the seed file was written where the format allows more than one way (a
    # `seeds.format.Layout`), so that `exportseed` gives the file back byte for byte.
    # NULL when it was written canonically or the story is not from a seed.
    seed_layout = models.JSONField(
        _("tata letak berkas seed"),
        null=True,
        editable=False,
        help_text=_("Cara berkas seed ditulis (baris kosong, spasi, akhir baris), untuk ekspor."),
    )
    # NULL-able without a default, so SQLite adds the column without rebuilding the
    # stories table (which would drop migration 0008's search triggers).
    embargo_until = models.DateTimeField(
        _("embargo sampai"),
        null=True,
        blank=True,
        help_text=_(
            "Sebelum waktu ini berita tidak dapat diterbitkan atau dijadwalkan oleh siapa pun; "
            "hanya redaksi dan mitra yang dipilih yang melihatnya. Menurut zona waktu berita; "
            "tidak dapat diubah setelah berita terbit atau dijadwalkan."
        ),
    )
    embargo_partners = models.ManyToManyField(
        "Partner",
        verbose_name=_("mitra penerima embargo"),
        blank=True,
        related_name="embargoed_articles",
        help_text=_("Mitra yang menerima berita ini di umpan embargo mereka sebelum terbit."),
    )
    # NULL-able without a default, so SQLite adds it without rebuilding the table
    # (see migration 0008); the form shows a plain checkbox.
    is_live = models.BooleanField(
        _("laporan langsung"),
        null=True,
        blank=True,
        help_text=_(
            "Berita yang terus diperbarui (live): pembaruan bertanggal tampil terbaru lebih "
            "dulu dan muncul di halaman pembaca tanpa memuat ulang."
        ),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    # Search results carry marked text (`readers.search`); stories in other lists have none.
    headline_marked = excerpt_marked = None

    class Meta:
        verbose_name = _("berita")
        verbose_name_plural = _("berita")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_published"),
            models.Index(
                fields=["section", "status", "-published_at"], name="article_section_published"
            ),
            models.Index(
                fields=["editor", "status", "-published_at"], name="article_editor_published"
            ),
        ]
        permissions = [
            ("publish_article", _("Dapat menerbitkan, menjadwalkan dan menarik berita")),
            ("edit_any_article", _("Dapat menyunting berita siapa pun, dalam status apa pun")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="published_article_has_time",
                violation_error_message=_("Berita yang terbit harus punya waktu terbit."),
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Article, self.headline, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return public_url("articles:detail", self.slug)

    def canonical_url(self, request):
        """The story's address at its origin site, absolute."""
        return self.site.origin(request) + self.get_absolute_url()

    # As the site it is read on runs it: read through `published(site)`, a story
    # carries its placement there (`here`); elsewhere these are the origin's own.

    @property
    def placement_here(self):
        return self.__dict__.get("here")

    @property
    def headline_here(self):
        here = self.placement_here
        return (here and here.headline) or self.headline

    @property
    def section_here(self):
        here = self.placement_here
        return here.section if here is not None else self.section

    @property
    def published_at_here(self):
        here = self.placement_here
        return here.published_at if here is not None else self.published_at

    def total_views(self):
        """Views counted so far (DailyViews; views still buffered in Redis come with the
        next flush): one query."""
        total = self.daily_views.aggregate(total=models.Sum("views"))["total"]
        return total or 0

    def note_content_change(self, *, first_save=False):
        """Before saving edited content: a new version, and "Diperbarui" once it is live."""
        if not first_save:
            self.version += 1
        if self.is_published:
            self.content_updated_at = timezone.now()

    def take_photo_defaults(self):
        """A caption or credit left empty is the chosen photo's own, as a start."""
        if self.photo is not None:
            self.photo_caption = self.photo_caption or self.photo.caption
            self.photo_credit = self.photo_credit or self.photo.credit

    def set_sources(self, sources):
        """Cite `sources` in the order given (the order "Sumber:" prints them in)."""
        ArticleSource.objects.filter(article=self).delete()
        ArticleSource.objects.bulk_create(
            ArticleSource(article=self, source=source, position=position)
            for position, source in enumerate(dict.fromkeys(sources))
        )

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        """One story's `scheduled()`: published with a time still to come."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def is_under_embargo(self):
        """Its embargo time is still to come: nobody may publish it yet."""
        return self.embargo_until is not None and self.embargo_until > timezone.now()

    @property
    def status_label(self):
        return _("Terjadwal") if self.is_scheduled else self.get_status_display()

    @property
    def zone(self):
        """The story's own clock (WIB, WITA or WIT): every time it prints is on it."""
        return ZONES[self.time_zone]

    def date_line_of(self, moment):
        """`14 Mei 2022, 18:45 WIB`: `moment` as the story prints it, on its own clock."""
        return text.format_date_line(moment.astimezone(self.zone), self.time_zone)

    @property
    def local_published_at(self):
        """The publication time (on the site it is read on) on the story's own clock."""
        published_at = self.published_at_here
        return published_at.astimezone(self.zone) if published_at is not None else None

    @property
    def date_line(self):
        """The publication time as the story's page and seed file print it."""
        published_at = self.published_at_here
        return self.date_line_of(published_at) if published_at is not None else ""

    @property
    def updated_line(self):
        """When the live story's content last changed, on its own clock."""
        updated = self.content_updated_at
        return self.date_line_of(updated) if updated is not None else ""

    @property
    def paragraphs(self):
        """The text paragraphs of the whole story; page-break markers are not among them."""
        return text.text_paragraphs(self.body)

    @property
    def page_breaks(self):
        """Where pages start: numbers of text paragraphs before each break (editors
        type a line `[halaman]` between paragraphs). A break before the first or after
        the last paragraph, or doubled, makes no empty page."""
        breaks, count = [], 0
        for part in text.body_parts(self.body):
            if not text.is_page_break(part):
                count += 1
            elif count and (not breaks or breaks[-1] != count):
                breaks.append(count)
        return tuple(position for position in breaks if position < count)

    @property
    def page_count(self):
        return len(self.page_breaks) + 1

    def body_blocks(self, page=None):
        """Paragraphs with each "Baca Juga" link at its place, for the template:
        `(kind, block, opening, closing)`, where `opening` and `closing` mark the
        story's first and last paragraph (the dateline and *** go there).

        `page` (1-based) narrows them to one page; None is the whole story. A link
        counts the paragraphs of the whole story: one placed at a page break ends the
        page before it. Uses the prefetched `related_links`; links placed after the
        last paragraph (or beyond it) come at the end.
        """
        paragraphs = self.paragraphs
        links = list(self.related_links.all())  # in place order (RelatedLink.Meta.ordering)
        last = len(paragraphs) - 1
        if page is None:
            first, end = 0, len(paragraphs)
        else:
            starts = (0, *self.page_breaks)
            first = starts[page - 1]
            end = starts[page] if page < len(starts) else len(paragraphs)
        blocks = []
        for index in range(first, end):
            if index > first or index == 0:
                blocks += [
                    ("related", link, False, False)
                    for link in links
                    if link.after_paragraph == index
                ]
            blocks.append(("paragraph", paragraphs[index], index == 0, index == last))
            if index == end - 1 and end < len(paragraphs):  # the links at the break
                blocks += [
                    ("related", link, False, False) for link in links if link.after_paragraph == end
                ]
        if end == len(paragraphs):
            blocks += [
                ("related", link, False, False) for link in links if link.after_paragraph > last
            ]
        return blocks
