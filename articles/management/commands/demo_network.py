"""Make the demo network that `make run` serves: three regional sites on one install.

Zona Priangan (WIB, the default site), Zona Sulawesi (WITA) and Zona Papua (WIT),
each with its own kanal, on host names under .localhost, which browsers resolve
to this machine: http://zonapriangan.localhost:8000/ and so on (plain localhost
is Zona Priangan too). Idempotent; refuses to run unless DEBUG is on, since it
renames the default site.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from articles.models import Section, Site, SiteAlias, StoryTimeZone

DEMO_SITES = [
    # name, domain, dateline, zone, kanal, other host names
    ("Zona Priangan", "zonapriangan.localhost", "ZONA PRIANGAN", StoryTimeZone.WIB,
     ["Priangan", "Jabar", "Nasional", "Internasional", "Olahraga"], ["localhost"]),
    ("Zona Sulawesi", "zonasulawesi.localhost", "ZONA SULAWESI", StoryTimeZone.WITA,
     ["Makassar", "Sulsel", "Nasional", "Internasional", "Olahraga"], []),
    ("Zona Papua", "zonapapua.localhost", "ZONA PAPUA", StoryTimeZone.WIT,
     ["Jayapura", "Papua", "Nasional", "Internasional"], []),
]  # fmt: skip


class Command(BaseCommand):
    help = "Buat jaringan demo tiga situs (hanya saat DEBUG menyala) dan cetak alamatnya."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Jaringan demo hanya dibuat saat DEBUG=1.")
        default = Site.objects.default()
        for position, (name, domain, dateline, zone, kanal, aliases) in enumerate(DEMO_SITES):
            site = default if position == 0 else Site.objects.filter(domain=domain).first()
            site = site or Site(domain=domain)
            site.name, site.domain, site.dateline, site.time_zone = name, domain, dateline, zone
            site.save()
            for alias in aliases:
                SiteAlias.objects.update_or_create(domain=alias, defaults={"site": site})
            site.sections.add(*(self._section(title, order) for order, title in enumerate(kanal)))
            self.stdout.write(f"  {name:14} http://{domain}:8000/ ({zone})")

    @staticmethod
    def _section(name, position):
        return Section.objects.get_or_create(
            name=name, defaults={"slug": slugify(name), "position": position}
        )[0]
