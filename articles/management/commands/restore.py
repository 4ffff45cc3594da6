"""Load a file written by `backup` into a new, migrated database, all or nothing.

Refuses a database that already holds stories or accounts: restoring over live
data would mix two sites. `loaddata` runs in one transaction and, on PostgreSQL,
moves the id sequences past the restored rows.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Article, Revision


class Command(BaseCommand):
    help = "Pulihkan cadangan dari `backup` ke basis data baru (sudah di-migrate, masih kosong)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="berkas cadangan dari `manage.py backup`")
        parser.add_argument(
            "--dry-run", action="store_true", help="muat lalu batalkan: hanya memeriksa berkasnya"
        )

    def handle(self, *args, path, dry_run, **options):
        if not path.is_file():
            raise CommandError(f"Berkas cadangan {path} tidak ditemukan.")
        if Article.objects.exists() or get_user_model().objects.exists():
            raise CommandError(
                "Basis data ini sudah berisi berita atau akun. Pulihkan ke basis data baru: "
                "buat basis datanya, jalankan `manage.py migrate`, lalu `manage.py restore`."
            )
        with transaction.atomic():
            call_command("loaddata", str(path), verbosity=0)
            summary = f"{Article.objects.count()} berita, {Revision.objects.count()} revisi"
            if dry_run:
                transaction.set_rollback(True)
        if dry_run:
            self.stdout.write(f"Berkas {path} bisa dipulihkan ({summary}); tidak ada yang diubah.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Dipulihkan dari {path}: {summary}."))
