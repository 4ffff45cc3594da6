"""Move the views buffered in Redis into the database now.

Requests flush every VIEW_FLUSH_SECONDS by themselves; run this from cron (every
minute, so a quiet site's last views are not left waiting) and before a deploy.
"""

from django.core.management.base import BaseCommand

from articles.delivery.readership import flush_views, redis_client


class Command(BaseCommand):
    help = "Pindahkan jumlah baca yang tertahan di Redis ke database."

    def handle(self, *args, **options):
        if redis_client() is None:
            self.stdout.write("Cache bukan Redis: jumlah baca langsung tercatat di database.")
            return
        self.stdout.write(self.style.SUCCESS(f"{flush_views()} kali baca dipindahkan ke database."))
