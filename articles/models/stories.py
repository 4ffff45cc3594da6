"""The content model: stories, their photos, editors, sources and "Baca Juga" links."""

import secrets
import uuid
from datetime import timedelta
from functools import lru_cache
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, FilteredRelation, Q
from django.db.models.functions import Lower
from django.http.request import split_domain_port
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from .. import text
from ..media.images import PhotoImageField


class StoryTimeZone(models.TextChoices):
    WIB = "WIB", _("WIB (Waktu Indonesia Barat)")
    WITA = "WITA", _("WITA (Waktu Indonesia Tengah)")
    WIT = "WIT", _("WIT (Waktu Indonesia Timur)")


ZONES = {
    StoryTimeZone.WIB: ZoneInfo("Asia/Jakarta"),
    StoryTimeZone.WITA: ZoneInfo("Asia/Makassar"),
    StoryTimeZone.WIT: ZoneInfo("Asia/Jayapura"),
}


def time_zone_field(help_text):
    """WIB, WITA or WIT: a site's clock, or a story's."""
    return models.CharField(
        _("zona waktu"),
        max_length=4,
        choices=StoryTimeZone.choices,
        default=StoryTimeZone.WIB,
        help_text=help_text,
    )


# Links readers may follow: web addresses only, never javascript:, data: or ftp:.
web_url = URLValidator(
    schemes=["http", "https"],
    message=_("Masukkan alamat web yang diawali http:// atau https://."),
    code="not_web_url",
)


def public_url(name, *args):
    """`reverse(name, args=args)`, remembered by the process.

    A list page links 30 to 70 stories, kanal and editors, and each reverse()
    cost about 50 µs; the result depends only on the URL configuration and prefix.
    """
    return _remembered_url(get_script_prefix(), get_urlconf(settings.ROOT_URLCONF), name, args)


@lru_cache(maxsize=20_000)
def _remembered_url(prefix, urlconf, name, args):
    return reverse(name, args=args, urlconf=urlconf)


def base_slug(text, max_length=200):
    return slugify(text)[:max_length].strip("-") or "tanpa-judul"


def unique_slug(model, text, *, exclude_pk=None, max_length=200):
    """A slug of `text` not yet used by `model`: `judul`, then `judul-2`, `judul-3`..."""
    base = base_slug(text, max_length)
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, counter = base, 2
    while slug in taken:
        suffix = f"-{counter}"
        slug = base[: max_length - len(suffix)] + suffix
        counter += 1
    return slug


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


class SiteQuerySet(models.QuerySet):
    def default(self):
        """The network's default site; made from the settings when there is none yet
        (a new database has one from migration 0010)."""
        site = self.filter(is_default=True).first()
        if site is None:
            site, _ = self.get_or_create(
                domain=settings.SITE_DOMAIN,
                defaults={
                    "name": settings.SITE_NAME,
                    "dateline": settings.SITE_DATELINE,
                    "is_default": True,
                },
            )
            for alias in settings.SITE_ALIASES:
                SiteAlias.objects.get_or_create(domain=alias, defaults={"site": site})
        return site

    def for_host(self, host):
        """The site that answers for `host` (a domain or an alias, any case), or None."""
        host = host.lower().rstrip(".")
        return (
            self.filter(Q(domain=host) | Q(aliases__domain=host)).distinct().first()
            if host
            else None
        )


class Site(models.Model):
    """One regional site of the network: its own domain, name, dateline, clock and kanal.

    Our own model rather than `django.contrib.sites`: a site here has several host
    names, a dateline, a time zone and a kanal list, and the request's host picks it
    (contrib.sites keys on one SITE_ID setting per process).
    """

    name = models.CharField(_("nama"), max_length=120, unique=True)
    domain = models.CharField(
        _("domain utama"),
        max_length=253,
        unique=True,
        help_text=_(
            "Nama host tanpa http:// dan tanpa port, misalnya zonapriangan.com. "
            "Alamat kanonis berita situs ini memakai domain ini."
        ),
    )
    dateline = models.CharField(
        _("dateline"),
        max_length=80,
        help_text=_("Huruf kapital, misalnya ZONA PRIANGAN: dicetak di awal berita situs ini."),
    )
    tagline = models.CharField(_("slogan"), max_length=200, blank=True)
    logo = models.ImageField(
        _("logo"),
        upload_to="logo/",
        blank=True,
        help_text=_("Untuk Google News dan kartu berbagi; tanpa logo dipakai logo bawaan."),
    )
    time_zone = time_zone_field(_("Zona waktu bawaan berita baru situs ini dan Indeks-nya."))
    sections = models.ManyToManyField(
        "Section",
        verbose_name=_("kanal"),
        blank=True,
        related_name="sites",
        help_text=_("Kanal yang tampil di navigasi situs ini."),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("redaksi"),
        blank=True,
        related_name="newsroom_sites",
        help_text=_(
            "Penulis dan editor situs ini: mereka hanya melihat dan menangani berita "
            "situs-situs mereka. Admin jaringan melihat semuanya."
        ),
    )
    is_default = models.BooleanField(
        _("situs bawaan"),
        default=False,
        help_text=_("Situs untuk berkas seed yang dateline-nya tidak cocok dengan situs mana pun."),
    )

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("situs")
        verbose_name_plural = _("situs")
        ordering = ["name"]
        permissions = [
            ("work_on_every_site", _("Dapat melihat dan menangani berita semua situs jaringan")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="one_default_site",
                violation_error_message=_("Hanya satu situs yang boleh menjadi situs bawaan."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().rstrip(".")
        self.dateline = self.dateline.strip().upper()
        super().save(*args, **kwargs)

    @property
    def zone(self):
        return ZONES[self.time_zone]

    def origin(self, request):
        """`https://zonapriangan.com`: this site's address, on the scheme and port the
        request came by (every site of one install is served on the same ones). The port
        is the one the reader's Host names, not the app server's behind a proxy."""
        _, port = split_domain_port(request.get_host())
        return f"{request.scheme}://{self.domain}{f':{port}' if port else ''}"

    def dateline_for(self, dateline, origin_site):
        """A story's dateline as this site prints it: the origin's name swapped for ours
        ("GARUT, ZONA PRIANGAN" on Zona Papua is "GARUT, ZONA PAPUA")."""
        if origin_site is None or origin_site.pk == self.pk:
            return dateline
        head, separator, last = dateline.rpartition(", ")
        if last.upper() == origin_site.dateline.upper():
            return f"{head}{separator}{self.dateline}"
        return dateline


class SiteAlias(models.Model):
    """Another host name a site answers on (www., an old domain, a test host)."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("situs")
    )
    domain = models.CharField(_("nama host"), max_length=253, unique=True)

    class Meta:
        verbose_name = _("nama host lain")
        verbose_name_plural = _("nama host lain")

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().rstrip(".")
        super().save(*args, **kwargs)


def photo_upload_path(instance, filename):
    """Stored names are generated; the uploader's file name never reaches the disk."""
    suffix = PurePosixPath(filename).suffix.lower()[:5]
    return f"foto/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


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
        help_text=_("JPEG, PNG atau WebP. Boleh menyusul: keterangan bisa ditulis lebih dulu."),
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
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

    def published_in(self, start, end):
        """Stories published from `start` until before `end` (on a site: there)."""
        field = "placed_at" if "here" in self.query._filtered_relations else "published_at"
        return self.filter(**{f"{field}__gte": start, f"{field}__lt": end})

    def in_section(self, section):
        """Stories in `section`: on a site (after `published(site)`), that site's kanal."""
        if "here" in self.query._filtered_relations:
            return self.filter(placed_section=getattr(section, "pk", section))
        return self.filter(section=section)

    def tagged(self, tag):
        """Stories with `tag`, as EXISTS rather than a join.

        On PostgreSQL this lets a list of a big tag walk the newest stories in
        index order and stop after one page (1 ms instead of about 20 ms for a tag
        on 4,000 of 100,000 stories); a small tag is still read through its items.
        """
        from taggit.models import TaggedItem

        return self.filter(
            models.Exists(
                TaggedItem.objects.filter(
                    tag=tag,
                    content_type=ContentType.objects.get_for_model(self.model),  # cached: no query
                    object_id=models.OuterRef("pk"),
                )
            )
        )

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
            "photo__width", "photo__height", "section__name", "section__slug",
        )  # fmt: skip

    def related_to(self, story, site, *, limit=RELATED_SHOWN):
        """Berita Terkait of `story` on `site` (after `published(site)` is applied
        here): stories sharing one of its tags, newest first, without the story itself
        and the stories its Baca Juga links already show. One query; uses the
        prefetched tags and links."""
        from taggit.models import TaggedItem

        tag_ids = [tag.pk for tag in story.tags.all()]
        if not tag_ids:
            return []
        shown = {story.pk} | {link.target_id for link in story.related_links.all()}
        sharing_a_tag = models.Exists(
            TaggedItem.objects.filter(
                tag_id__in=tag_ids,
                content_type=ContentType.objects.get_for_model(Article),  # cached: no query
                object_id=models.OuterRef("pk"),
            )
        )
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
    # `seedformat.Layout`), so that `exportseed` gives the file back byte for byte.
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

    # Search results carry marked text (`articles.search`); stories in other lists have none.
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
    def local_published_at(self):
        """The publication time (on the site it is read on) on the story's own clock
        (WIB, WITA or WIT)."""
        published_at = self.published_at_here
        if published_at is None:
            return None
        return published_at.astimezone(ZONES[self.time_zone])

    @property
    def date_line(self):
        """`14 Mei 2022, 18:45 WIB`, as the story's page and seed file print it."""
        local = self.local_published_at
        return text.format_date_line(local, self.time_zone) if local else ""

    @property
    def updated_line(self):
        """When the live story's content last changed, on its own clock."""
        if self.content_updated_at is None:
            return ""
        local = self.content_updated_at.astimezone(ZONES[self.time_zone])
        return text.format_date_line(local, self.time_zone)

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

    article = models.ForeignKey(Article, on_delete=models.CASCADE)
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
        Article, on_delete=models.CASCADE, related_name="related_links", verbose_name=_("berita")
    )
    after_paragraph = models.PositiveIntegerField(
        _("sebelum paragraf ke-"),
        help_text=_("0 = sebelum paragraf pertama, 3 = setelah paragraf ketiga."),
    )
    position = models.PositiveIntegerField(_("urutan"), default=0)
    target = models.ForeignKey(
        Article,
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


class DailyViews(models.Model):
    """Views of one story on one day (Asia/Jakarta), incremented atomically."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("jumlah baca harian")
        verbose_name_plural = _("jumlah baca harian")
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="daily_views_one_row_per_day"),
        ]
        indexes = [models.Index(fields=["day", "article"], name="daily_views_by_day")]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.views}"


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


class ViewBatch(models.Model):
    """A batch of buffered views already added to DailyViews, so it is never added twice."""

    batch = models.CharField(max_length=32, unique=True)
    flushed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("kiriman jumlah baca")
        verbose_name_plural = _("kiriman jumlah baca")

    def __str__(self):
        return self.batch


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
        Article, on_delete=models.CASCADE, related_name="bylines", verbose_name=_("berita")
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
        return self.due_at.astimezone(ZONES[self.site.time_zone])


class LiveUpdate(models.Model):
    """One timestamped update of a live report, shown newest first."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="live_updates", verbose_name=_("berita")
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
        from taggit.models import TaggedItem

        pinned = TopicStory.objects.filter(topic=self, article=models.OuterRef("pk"))
        chosen = Q(models.Exists(pinned))
        if self.tag_id is not None:
            chosen |= Q(
                models.Exists(
                    TaggedItem.objects.filter(
                        tag_id=self.tag_id,
                        content_type=ContentType.objects.get_for_model(Article),
                        object_id=models.OuterRef("pk"),
                    )
                )
            )
        newest = (
            "-here__published_at"
            if "here" in stories.query._filtered_relations
            else "-published_at"
        )
        return (
            stories.filter(chosen)
            .annotate(pinned_at=models.Subquery(pinned.values("position")[:1]))
            .order_by(F("pinned_at").asc(nulls_last=True), newest, "-pk")
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
