"""Make every photo's master and renditions now, instead of on the photo's first showing.

Pages make a missing rendition while a reader waits (a fraction of a second per
large photo). Run this after a bulk import, or after changing the rendition sizes
in `articles.media.renditions.USES`, so that no reader waits.

It is resumable: photos are taken in id order and the last one done is remembered in
the cache (`makerenditions:done`), so a run that was stopped goes on from there
(`--from-start` to begin again); a photo whose files all exist is not decoded again.
`--background` hands each photo to the task worker instead (`editorial.photos.refresh_photo`),
in batches, so the archive fills in without holding a terminal or a web process.
"""

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from articles.editorial.photos import refresh_photo
from articles.media import renditions
from articles.models import Photo

PROGRESS_KEY = "makerenditions:done"
PROGRESS_SECONDS = 60 * 60 * 24 * 30


class Command(BaseCommand):
    help = "Buat master dan rendisi (AVIF, WebP, JPEG; semua potongan) untuk semua foto."

    def add_arguments(self, parser):
        parser.add_argument(
            "--background",
            action="store_true",
            help="Serahkan tiap foto ke pekerja antrean (db_worker), bukan dikerjakan di sini.",
        )
        parser.add_argument(
            "--from-start",
            action="store_true",
            help="Mulai dari foto pertama, bukan dari foto terakhir yang selesai.",
        )

    def handle(self, *args, background=False, from_start=False, **options):
        done_up_to = 0 if from_start else cache.get(PROGRESS_KEY, 0)
        if done_up_to:
            self.stdout.write(f"Melanjutkan setelah foto #{done_up_to}.")
        photos = Photo.objects.filter(pk__gt=done_up_to).exclude(image="", original="")
        ready = unreadable = 0
        for photo in photos.order_by("pk").iterator(chunk_size=200):
            if background:
                refresh_photo.enqueue(photo.pk)
                ready += 1
            else:
                renditions.ensure_master(photo)
                if photo.image and renditions.make_all(photo):
                    ready += 1
                else:
                    unreadable += 1
                    name = photo.image.name or photo.original.name
                    self.stderr.write(f"{name}: tidak bisa dibaca")
            cache.set(PROGRESS_KEY, photo.pk, PROGRESS_SECONDS)
        cache.delete(PROGRESS_KEY)  # finished: the next run goes through every photo again
        self.stdout.write(f"{ready} foto {'diantrekan' if background else 'siap'}.")
        if unreadable:
            raise CommandError(f"{unreadable} foto tidak bisa dibaca; unggah ulang berkasnya.")
