"""Make every photo's renditions now, instead of on the photo's first showing.

Pages make a missing rendition while a reader waits (a fraction of a second per
large photo). Run this after a bulk import, or after changing the rendition sizes
in `articles.media.renditions.USES`, so that no reader waits.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.media import renditions
from articles.models import Photo


class Command(BaseCommand):
    help = "Buat rendisi (ukuran kecil dan besar, WebP dan JPEG) untuk semua foto."

    def handle(self, *args, **options):
        ready = unreadable = 0
        for photo in Photo.objects.exclude(image="").only("image").iterator():
            made = [renditions.rendition_set(photo, use) for use in renditions.USES]
            if None in made:
                unreadable += 1
                self.stderr.write(f"{photo.image.name}: tidak bisa dibaca")
            else:
                ready += 1
        self.stdout.write(f"{ready} foto siap.")
        if unreadable:
            raise CommandError(f"{unreadable} foto tidak bisa dibaca; unggah ulang berkasnya.")
