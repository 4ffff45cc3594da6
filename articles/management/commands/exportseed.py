"""Write stories back out in the seed format, the inverse of `loadseeds`.

`exportseed SLUG` prints the document alone, as it is written to a file (no newline is
added), so that `exportseed SLUG > story.txt` makes the file the story was loaded from.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from articles.seeds.documents import export_article


class Command(BaseCommand):
    help = "Cetak satu berita dalam format seed, atau tulis semua berita ke sebuah folder."

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="slug berita yang dicetak")
        parser.add_argument("--all", type=Path, metavar="DIR", help="tulis satu berkas per berita")

    def handle(self, *args, slug=None, **options):
        directory = options["all"]
        if bool(slug) == bool(directory):
            raise CommandError("Sebutkan SLUG atau --all DIR (salah satu saja).")
        stories = Article.objects.for_page().exclude(published_at=None)
        if slug:
            article = stories.filter(slug=slug).first()
            if article is None:
                raise CommandError(f"Tidak ada berita (dengan waktu terbit) bertautan '{slug}'.")
            self.stdout.write(export_article(article), ending="")  # the document, byte for byte
            return
        directory.mkdir(parents=True, exist_ok=True)
        count = 0
        for article in stories.order_by("pk"):
            (directory / f"{article.slug}.txt").write_text(
                export_article(article), encoding="utf-8", newline=""
            )
            count += 1
        self.stdout.write(self.style.SUCCESS(f"{count} berita ditulis ke {directory}."))
