"""sitemap.xml (Django's sitemaps framework) and the Google News sitemap, per site.

A site's sitemaps list the stories it is the origin of: a story placed from another
site of the network has its canonical there, and search engines are sent to it once.
"""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Exists, Max, OuterRef
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone
from taggit.models import Tag

from ..models import Article, public_url

# Google News reads stories of the last two days, at most 1,000 per sitemap.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class SiteSitemap(Sitemap):
    """A sitemap of one site of the network."""

    def __init__(self, site):
        self.site = site

    def canonical_stories(self):
        return Article.objects.published(self.site).canonical_on(self.site)


class ArticleSitemap(SiteSitemap):
    def items(self):
        return (
            self.canonical_stories()
            .order_by("-published_at", "-pk")
            .only("slug", "published_at", "content_updated_at")
        )

    def lastmod(self, article):
        return article.content_updated_at or article.published_at

    def get_latest_lastmod(self):
        """For the index, in one query (Django's default reads every story)."""
        return self.canonical_stories().aggregate(
            latest=Max(Coalesce("content_updated_at", "published_at"))
        )["latest"]


class SectionSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self):
        return self.site.sections.all()


class TagSitemap(SiteSitemap):
    """Tags that label at least one story of this site: readers land on tag pages from
    search engines, but a tag of drafts alone has an empty page."""

    changefreq = "hourly"

    def items(self):
        labels_a_story = Exists(self.canonical_stories().filter(tags=OuterRef("pk")))
        return Tag.objects.filter(labels_a_story).order_by("name").only("slug")

    def location(self, tag):
        return public_url("articles:tag", tag.slug)


class PageSitemap(SiteSitemap):
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


def site_sitemaps(request):
    return {name: sitemap(request.site) for name, sitemap in SITEMAPS.items()}


def sitemap_index(request):
    return sitemap_views.index(
        request, site_sitemaps(request), sitemap_url_name="articles:sitemap_section"
    )


def sitemap_section(request, section):
    return sitemap_views.sitemap(request, site_sitemaps(request), section=section)


def news_sitemap(request):
    """The site's own stories of the last 48 hours, newest first, as Google News asks."""
    stories = (
        Article.objects.published(request.site)
        .canonical_on(request.site)
        .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
        .order_by("-published_at", "-pk")
        .only("slug", "headline", "published_at", "time_zone")[:NEWS_LIMIT]
    )
    return render(
        request, "sitemaps/news.xml", {"stories": stories}, content_type="application/xml"
    )


def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain")
