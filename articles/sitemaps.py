"""sitemap.xml (Django's sitemaps framework) and the Google News sitemap."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone
from taggit.models import Tag

from .models import Article, Section, public_url

# Google News reads stories of the last two days, at most 1,000 per sitemap.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class ArticleSitemap(Sitemap):
    def items(self):
        return Article.objects.latest_published().only("slug", "published_at", "content_updated_at")

    def lastmod(self, article):
        return article.content_updated_at or article.published_at

    def get_latest_lastmod(self):
        """For the index, in one query (Django's default reads every story)."""
        return Article.objects.published().aggregate(
            latest=Max(Coalesce("content_updated_at", "published_at"))
        )["latest"]


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.all()


class TagSitemap(Sitemap):
    """Tags that label at least one published story: readers land on tag pages from
    search engines, but a tag of drafts alone has an empty page."""

    changefreq = "hourly"

    def items(self):
        labels_a_story = Exists(Article.objects.published().filter(tags=OuterRef("pk")))
        return Tag.objects.filter(labels_a_story).order_by("name").only("slug")

    def location(self, tag):
        return public_url("articles:tag", tag.slug)


class PageSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return ["articles:home", "articles:indeks"]

    def location(self, name):
        return public_url(name)


SITEMAPS = {
    "berita": ArticleSitemap,
    "kanal": SectionSitemap,
    "tag": TagSitemap,
    "halaman": PageSitemap,
}


def news_sitemap(request):
    """Stories of the last 48 hours, newest first, as Google News asks for them."""
    stories = (
        Article.objects.latest_published()
        .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
        .only("slug", "headline", "published_at", "time_zone")[:NEWS_LIMIT]
    )
    return render(
        request, "sitemaps/news.xml", {"stories": stories}, content_type="application/xml"
    )


def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain")
