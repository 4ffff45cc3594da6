"""What every model module builds on: the network's clocks (WIB, WITA, WIT), web
addresses readers may follow, public URLs and slugs."""

from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


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
