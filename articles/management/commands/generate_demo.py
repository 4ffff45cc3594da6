"""Fill the database with many realistic demo stories, fast, for load tests and demos.

Everything is written with bulk inserts in batches of `--batch` stories, each batch
in one transaction, so 100,000 stories take minutes on SQLite and PostgreSQL.
Stories are added to what is there: run `flush` first for a clean database.

Every site of the network gets its share of stories (`--sites N` first adds demo
sites until there are N), and about one story in ten is also placed on another
site, a little later and in a kanal of its own there. Long stories are split into
pages; each site gets its editors' picks (home page and every kanal), a few topics
and a live report with its updates, as a portal's desk keeps them.
"""

import time
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    ArticleSource,
    DailyViews,
    Editor,
    EditorPick,
    LiveUpdate,
    Photo,
    Placement,
    RelatedLink,
    Section,
    Site,
    Source,
    Topic,
    TopicStory,
    base_slug,
)  # fmt: skip
from articles.seeds import demo
from articles.seeds.documents import find_or_create_named
from articles.text import PAGE_BREAK

PHOTO_POOL = 12
VIEW_DAYS = 28
# A regional portal's output; a day then looks alike at 1,000 and at 100,000 stories.
STORIES_PER_DAY = 120
PLACED_ELSEWHERE = 0.1  # share of stories also run on a second site
MULTI_PAGE = 0.3  # share of stories split into pages ("Halaman 1 2 3")
PARAGRAPHS_PER_PAGE = 5
PICKS_PER_PLACE = 6  # Pilihan Editor on each site's home page and kanal
TOPICS_PER_SITE = 4
LIVE_UPDATES = 30


class Command(BaseCommand):
    help = "Buat N berita contoh yang realistis (teks, kanal, tag, foto, Baca Juga, jumlah baca)."

    def add_arguments(self, parser):
        parser.add_argument("--stories", type=int, required=True, help="jumlah berita")
        parser.add_argument(
            "--per-day",
            type=int,
            default=STORIES_PER_DAY,
            help="berita terbit per hari: rentang waktunya mengikuti jumlah berita",
        )
        parser.add_argument("--batch", type=int, default=1000, help="berita per transaksi")
        parser.add_argument("--seed", type=int, default=1, help="benih acak (hasil sama tiap kali)")
        parser.add_argument(
            "--sites",
            type=int,
            default=0,
            help="tambah situs demo hingga jaringan punya sebanyak ini (bawaan: situs yang ada)",
        )

    def handle(self, *args, stories, per_day, batch, seed, sites, **options):
        if stories < 1 or per_day < 1 or batch < 1 or sites < 0:
            raise CommandError("--stories, --per-day dan --batch harus lebih dari 0.")
        days = -(-stories // per_day)
        started = time.monotonic()
        rng = demo.new_rng(seed)
        writer = demo.StoryWriter(rng)
        self.pool = self._pools(rng, sites)
        self.run = get_random_string(6, "abcdefghijklmnopqrstuvwxyz0123456789")
        self.now = timezone.now()
        self.targets = list(
            Article.objects.published().order_by("-pk").values_list("pk", "headline")[:1000]
        )
        for first in range(0, stories, batch):
            size = min(batch, stories - first)
            with transaction.atomic():
                self._batch(rng, writer, first, size, stories, days)
            done = first + size
            if done % 10_000 == 0 or done == stories:
                self.stdout.write(f"{done} berita ({time.monotonic() - started:.0f} detik)")
        with transaction.atomic():
            self._desk(rng, writer)
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE"
            )  # fresh planner statistics, or PostgreSQL misjudges the new rows
        self.stdout.write(
            self.style.SUCCESS(
                f"{stories} berita dibuat dalam {time.monotonic() - started:.1f} detik."
            )
        )

    def _pools(self, rng, site_count):
        """Sites, sections, editors, sources, tags and a few photo files, made once."""
        sections = [
            Section.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "position": position}
            )[0]
            for position, name in enumerate(demo.SECTIONS)
        ]
        network = [Site.objects.default(), *Site.objects.filter(is_default=False).order_by("pk")]
        for number in range(len(network) + 1, site_count + 1):
            network.append(
                Site.objects.get_or_create(
                    domain=f"demo-{number}.localhost",
                    defaults={"name": f"Zona Demo {number}", "dateline": f"ZONA DEMO {number}"},
                )[0]
            )
        sites = [(site, list(site.sections.all())) for site in network]
        for index, (site, listed) in enumerate(sites):
            if not listed:  # a site without kanal gets the demo's
                site.sections.set(sections)
                sites[index] = (site, sections)
        editors = [find_or_create_named(Editor, name) for name in demo.EDITORS]
        sources = [find_or_create_named(Source, name) for name in demo.SOURCES]
        Tag.objects.bulk_create(
            [Tag(name=name, slug=slugify(name)) for name in demo.TAGS], ignore_conflicts=True
        )
        tags = list(Tag.objects.filter(slug__in=[slugify(name) for name in demo.TAGS]))
        images = []
        for number in range(PHOTO_POOL):
            name = f"foto/demo/demo-{number:02d}.jpg"
            if not default_storage.exists(name):
                name = default_storage.save(name, ContentFile(demo.demo_photo(rng)))
            images.append(name)
        return {
            "sites": sites, "editors": editors, "sources": sources, "tags": tags,
            "images": images, "content_type": ContentType.objects.get_for_model(Article),
        }  # fmt: skip

    def _batch(self, rng, writer, first, size, total, days):
        pool = self.pool
        photos = Photo.objects.bulk_create(
            Photo(
                image=rng.choice(pool["images"]),
                width=1200,
                height=675,
                caption=writer.caption(),
                credit=f"Dok. {rng.choice(demo.EDITORS)}",
            )  # fmt: skip
            for _ in range(size)
        )
        articles = []
        for offset, photo in enumerate(photos):
            number = first + offset
            # Spread evenly over `days`, newest last, with a few drafts and scheduled stories.
            published_at = self.now - timedelta(days=days) * (1 - (number + 1) / total)
            published_at -= timedelta(seconds=rng.randint(0, 3600))
            roll = rng.random()
            status = Article.Status.PUBLISHED
            if roll < 0.02:
                status = Article.Status.DRAFT
            elif roll < 0.025:
                published_at = self.now + timedelta(hours=rng.randint(1, 72))
            headline = writer.headline()
            site, sections = pool["sites"][number % len(pool["sites"])]
            articles.append(
                Article(
                    headline=headline,
                    slug=f"{base_slug(headline, 180)}-{self.run}{number}",
                    dateline=f"{rng.choice(demo.PLACES).upper()}, {site.dateline}",
                    body="\n\n".join(self._paged(rng, writer.paragraphs())),
                    photo=photo,
                    photo_caption=photo.caption,
                    photo_credit=photo.credit,
                    editor=rng.choice(pool["editors"]),
                    site=site,
                    time_zone=site.time_zone,
                    section=rng.choice(sections),
                    status=status,
                    published_at=published_at,
                    first_published_at=published_at if status == Article.Status.PUBLISHED else None,
                )
            )
        articles = Article.objects.bulk_create(articles)
        Photo.sites.through.objects.bulk_create(
            Photo.sites.through(photo_id=article.photo_id, site_id=article.site_id)
            for article in articles
        )
        self._placements(rng, articles)
        self._relations(rng, articles)
        self.targets.extend(
            (article.pk, article.headline)
            for article in articles
            if article.status == Article.Status.PUBLISHED and article.published_at <= self.now
        )
        self.targets = self.targets[-1000:]

    @staticmethod
    def _paged(rng, paragraphs):
        """Some long stories as pages of about five paragraphs, with `[halaman]` between."""
        if len(paragraphs) <= PARAGRAPHS_PER_PAGE * 2 or rng.random() >= MULTI_PAGE:
            return paragraphs
        paged = []
        for start in range(0, len(paragraphs), PARAGRAPHS_PER_PAGE):
            if start:
                paged.append(PAGE_BREAK)
            paged += paragraphs[start : start + PARAGRAPHS_PER_PAGE]
        return paged

    def _desk(self, rng, writer):
        """What editors curate on each site, from its newest live stories: picks on the
        home page and every kanal (expiring over the next days), topics over a tag with
        a few pinned stories, and one live report with its updates."""
        picks, pinned, updates = [], [], []
        for site, sections in self.pool["sites"]:
            live = Article.objects.latest_published(site)
            for section in [None, *sections]:
                listed = live.in_section(section) if section else live
                newest = list(listed.values_list("pk", flat=True)[: PICKS_PER_PLACE * 4])
                picks += [
                    EditorPick(
                        site=site,
                        section=section,
                        article_id=pk,
                        position=position,
                        expires_at=self.now + timedelta(hours=rng.randint(6, 96)),
                    )
                    for position, pk in enumerate(
                        rng.sample(newest, min(PICKS_PER_PLACE, len(newest)))
                    )
                ]
            for tag in rng.sample(self.pool["tags"], TOPICS_PER_SITE):
                topic, created = Topic.objects.get_or_create(
                    site=site,
                    slug=slugify(f"topik {tag.name}"),
                    defaults={"title": f"{tag.name} Terkini", "tag": tag, "lead": writer.caption()},
                )
                newest = list(live.tagged(tag).values_list("pk", flat=True)[:20]) if created else []
                pinned += [
                    TopicStory(topic=topic, article_id=pk, position=position)
                    for position, pk in enumerate(rng.sample(newest, min(3, len(newest))))
                ]
            report = live.canonical_on(site).exclude(is_live=True).first()
            if report:
                Article.objects.filter(pk=report.pk).update(is_live=True)
                updates += [
                    LiveUpdate(
                        article=report,
                        at=self.now - timedelta(minutes=10 * number),
                        title=writer.headline() if number % 5 == 0 else "",
                        text="\n\n".join(writer.paragraphs()[:2]),
                    )
                    for number in range(LIVE_UPDATES)
                ]
        EditorPick.objects.bulk_create(picks, ignore_conflicts=True)
        TopicStory.objects.bulk_create(pinned, ignore_conflicts=True)
        LiveUpdate.objects.bulk_create(updates)

    def _placements(self, rng, articles):
        """Each story on its origin site; some on a second site too, up to 2 hours later."""
        placements = []
        others = self.pool["sites"]
        for article in articles:
            placements.append(
                Placement(
                    article=article,
                    site=article.site,
                    section=article.section,
                    published_at=article.published_at,
                )
            )
            if len(others) > 1 and rng.random() < PLACED_ELSEWHERE:
                site, sections = rng.choice([pair for pair in others if pair[0] != article.site])
                placements.append(
                    Placement(
                        article=article,
                        site=site,
                        section=rng.choice(sections),
                        published_at=article.published_at + timedelta(seconds=rng.randint(0, 7200)),
                    )
                )
        Placement.objects.bulk_create(placements)

    def _relations(self, rng, articles):
        pool = self.pool
        today = timezone.localdate(self.now)
        sources, tagged, links, views = [], [], [], []
        for article in articles:
            sources += [
                ArticleSource(article=article, source=source, position=position)
                for position, source in enumerate(rng.sample(pool["sources"], rng.randint(1, 2)))
            ]
            tagged += [
                TaggedItem(tag=tag, content_type=pool["content_type"], object_id=article.pk)
                for tag in rng.sample(pool["tags"], rng.randint(2, 6))
            ]
            paragraphs = article.body.count("\n\n") + 1
            for position in range(rng.randint(0, 3) if self.targets else 0):
                target_pk, title = rng.choice(self.targets)
                links.append(
                    RelatedLink(
                        article=article,
                        target_id=target_pk,
                        title=title,
                        position=position,
                        after_paragraph=rng.randint(1, paragraphs - 1),
                    )  # fmt: skip
                )
            age = (today - timezone.localdate(article.published_at)).days
            if article.status == Article.Status.PUBLISHED and 0 <= age < VIEW_DAYS:
                views += [
                    DailyViews(article=article, day=today - timedelta(days=back), views=count)
                    for back, count in zip(
                        range(min(age, VIEW_DAYS - 1), -1, -1),
                        demo.daily_views(rng, age, VIEW_DAYS),
                        strict=False,
                    )
                    if count
                ]
        ArticleSource.objects.bulk_create(sources)
        TaggedItem.objects.bulk_create(tagged)
        RelatedLink.objects.bulk_create(links)
        DailyViews.objects.bulk_create(views)
