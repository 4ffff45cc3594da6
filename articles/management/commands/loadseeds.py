"""Load seed documents (stories as the site prints them) into the database.

Each file loads in its own transaction: a malformed file is reported with its
line and changes nothing, and the other files still load. Loading the same files
again changes nothing. The exit status is non-zero when any file failed.

New stories go to the site `--site DOMAIN` names; without it, to the site whose
dateline the story opens with ("ZONA PRIANGAN -"), else to the default site.

A story keeps how its file was written, so `exportseed` gives the file back byte for
byte; where the database keeps something otherwise (a name it already had in other
capitals, a tag given twice), the file's line and the stored one are reported.

The sites of the stories that changed are purged once, when every file is loaded.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.delivery.purge import purge_sites, story_site_ids
from articles.models import Site
from articles.seeds import format as seedformat
from articles.seeds.documents import Outcome, import_story, link_related_titles


class Command(BaseCommand):
    help = "Muat berkas seed (*.txt) ke database. Tanpa PATH: semua berkas di seeds/."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="berkas atau folder seed")
        parser.add_argument(
            "--update",
            action="store_true",
            help="timpa berita yang sudah ada bila isinya berbeda dengan berkas",
        )
        parser.add_argument(
            "--site",
            metavar="DOMAIN",
            help="muat berita baru ke situs ini (bawaan: menurut dateline berita)",
        )

    def handle(self, *paths, **options):
        site = self._site(options["site"]) if options["site"] else None
        files = self._seed_files(options["paths"] or [Path(settings.BASE_DIR) / "seeds"])
        failures = 0
        changed_site_ids = set()
        for path in files:
            try:
                story = seedformat.parse(seedformat.decode(path.read_bytes()))
                result = import_story(story, update=options["update"], site=site, purge=False)
            except seedformat.SeedFormatError as error:
                failures += 1
                self.stderr.write(self.style.ERROR(f"{path}:{error.line}: {error.message}"))
                continue
            except ValidationError as error:
                failures += 1
                self.stderr.write(self.style.ERROR(f"{path}: {' '.join(error.messages)}"))
                continue
            except OSError as error:
                failures += 1
                self.stderr.write(self.style.ERROR(f"{path}: {error}"))
                continue
            if result.outcome in (Outcome.CREATED, Outcome.UPDATED):
                changed_site_ids |= story_site_ids(result.article)
            style = self.style.WARNING if result.outcome is Outcome.KEPT else self.style.SUCCESS
            self.stdout.write(style(f"{path}: {result.article.headline} — {result.outcome.value}"))
            for difference in result.differences:
                self.stdout.write(
                    self.style.WARNING(f"{path}:{difference.line}: {_said(difference)}")
                )
        if changed_site_ids:
            purge_sites(changed_site_ids)
        linked = link_related_titles()
        if linked:
            self.stdout.write(f"{linked} tautan Baca Juga terhubung ke beritanya.")
        if failures:
            raise CommandError(f"{failures} dari {len(files)} berkas gagal dimuat.")
        self.stdout.write(self.style.SUCCESS(f"{len(files)} berkas dimuat."))

    def _site(self, domain):
        site = Site.objects.for_host(domain)
        if site is None:
            known = ", ".join(Site.objects.values_list("domain", flat=True)) or "-"
            raise CommandError(
                f"--site {domain}: tidak ada situs dengan domain ini (ada: {known})."
            )
        return site

    def _seed_files(self, paths):
        files = []
        for path in paths:
            if path.is_dir():
                files += sorted(path.rglob("*.txt"))
            elif path.exists():
                files.append(path)
            else:
                raise CommandError(f"{path}: tidak ada berkas atau folder dengan nama ini.")
        return files


def _said(difference):
    """What the database keeps otherwise than the file, on that line."""
    if difference.exported is None:
        return f"'{difference.written}' tidak disimpan; ekspor berita ini tanpa baris itu"
    if difference.written is None:
        return f"ekspor berita ini menambah baris '{difference.exported}'"
    return f"disimpan sebagai '{difference.exported}' (di berkas: '{difference.written}')"
