"""Write the whole site's content to one file that `restore` loads back.

Stories, their revisions and workflow history, photos (the references: copy MEDIA_ROOT
for the files), editors, sources, sections, tags, daily view counts, accounts and the
admin's log. It is `dumpdata` with the options a restore needs: content types and
permissions are referred to by natural key, because a fresh database creates its own
with other ids; sessions and login attempts are short-lived and left out.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from articles.models import Article, Revision

# Rebuilt by `migrate` (contenttypes, permissions) or not worth keeping (sessions, axes).
LEFT_OUT = ["contenttypes", "auth.permission", "sessions", "axes"]


class Command(BaseCommand):
    help = "Cadangkan seluruh isi situs ke satu berkas (.json, atau .json.gz/.json.xz dipadatkan)."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", type=Path, help="berkas cadangan, misalnya cadangan-2026-05-14.json.gz"
        )

    def handle(self, *args, path, **options):
        if path.exists():
            raise CommandError(
                f"{path} sudah ada; pilih nama lain agar cadangan lama tidak tertimpa."
            )
        call_command(
            "dumpdata",
            exclude=LEFT_OUT,
            natural_foreign=True,
            output=str(path),
            verbosity=0,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Cadangan ditulis ke {path}: {Article.objects.count()} berita, "
                f"{Revision.objects.count()} revisi. Salin juga folder foto (MEDIA_ROOT)."
            )
        )
