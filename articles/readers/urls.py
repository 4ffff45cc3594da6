"""The readers' URLs (namespace `articles`), included by `newsroom/urls.py`."""

from django.urls import path, re_path

from . import feeds, sitemaps
from .views import home, lists, search, story

app_name = "articles"
urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("berita/<slug:slug>/", story.ArticleDetailView.as_view(), name="detail"),
    path("baca/<int:pk>/", story.view_beacon, name="view_beacon"),
    path("berita/<slug:slug>/live.json", story.LiveUpdatesView.as_view(), name="live_updates"),
    path("topik/<slug:slug>/", lists.TopicView.as_view(), name="topic"),
    path("topik/<slug:slug>/rss/", feeds.TopicFeed(), name="topic_feed"),
    path("kanal/<slug:slug>/", lists.SectionView.as_view(), name="section"),
    path("tag/<slug:slug>/", lists.TagView.as_view(), name="tag"),
    path("editor/<slug:slug>/", lists.EditorView.as_view(), name="editor"),
    path("sumber/<slug:slug>/", lists.SourceView.as_view(), name="source"),
    path("indeks/", lists.IndeksView.as_view(), name="indeks"),
    re_path(
        r"^indeks/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/$",
        lists.IndeksView.as_view(),
        name="indeks_day",
    ),
    path("cari/", search.SearchView.as_view(), name="search"),
    path("rss/", feeds.LatestStoriesFeed(), name="feed"),
    path("kanal/<slug:slug>/rss/", feeds.SectionFeed(), name="section_feed"),
    path("tag/<slug:slug>/rss/", feeds.TagFeed(), name="tag_feed"),
    path("mitra/<str:token>/embargo.rss", feeds.PartnerEmbargoFeed(), name="partner_feed"),
    path("sitemap-news.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-<section>.xml", sitemaps.sitemap_section, name="sitemap_section"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
]
