"""The sites of the network: each its own domain, dateline, clock and kanal, and the
other host names it answers on."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http.request import split_domain_port
from django.utils.translation import gettext_lazy as _

from .common import ZONES, time_zone_field


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

    def section_refusal(self, section):
        """Why a story of this site cannot be filed in `section` (a kanal the site does
        not list), as the form error that says so; None when it can."""
        if section is None or self.sections.filter(pk=section.pk).exists():
            return None
        return ValidationError(
            _("Kanal %(section)s tidak ada di %(site)s; pilih kanal situs itu."),
            code="section_not_on_site",
            params={"section": section, "site": self},
        )

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
