"""What outside clients check: JSON-LD, Open Graph, canonical links, RSS, sitemaps, robots."""

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, StoryTimeZone
from articles.readers.sitemaps import ArticleSitemap
from tests.factories import bulk_create_articles, make_article, make_photo, make_section

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def meta(html, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    return match and match[1]


def test_news_article_json_ld_carries_every_property(client):
    section = make_section(name="Internasional")
    published = datetime(2022, 5, 14, 18, 45, tzinfo=timezone.get_current_timezone())
    article = make_article(
        headline="Kepala Pentagon Berbicara",
        section=section,
        tags=["Ukraina"],
        photo=make_photo(width=1600, height=900),
        published_at=published,
        time_zone=StoryTimeZone.WITA,
    )
    Article.objects.filter(pk=article.pk).update(content_updated_at=published + timedelta(hours=2))
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    url = f"http://testserver{article.get_absolute_url()}"
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "Kepala Pentagon Berbicara"
    assert data["datePublished"] == "2022-05-14T19:45:00+08:00"  # the story's own WITA clock
    assert data["dateModified"] == "2022-05-14T21:45:00+08:00"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert (
        data["author"]
        == data["editor"]
        == {
            "@type": "Person",
            "name": article.editor.name,
            "url": f"http://testserver{article.editor.get_absolute_url()}",
        }
    )
    [image] = data["image"]
    assert image["@type"] == "ImageObject" and (image["width"], image["height"]) == (
        1200,
        628,
    )  # 1.91:1
    assert image["url"].startswith("http://testserver/media/renditions/") and image["url"].endswith(
        "-1200x628-191x100-f500-500.jpg"
    )
    publisher = data["publisher"]
    assert publisher["@type"] == "NewsMediaOrganization" and publisher["name"] == "Zona Priangan"
    assert publisher["logo"] == {
        "@type": "ImageObject",
        "url": "http://testserver/static/img/logo.png",
        "width": 600,
        "height": 60,
    }
    assert data["articleSection"] == "Internasional" and data["keywords"] == ["Ukraina"]
    assert data["inLanguage"] == "id" and data["description"] == "Paragraf pertama."


def test_json_ld_cannot_be_broken_out_of_by_a_headline(client):
    headline = 'Awas </script><script>alert("x")</script> & <!-- komentar'
    article = make_article(headline=headline, photo=None)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    data = json_ld(html)
    assert data["headline"] == headline
    assert (
        data["image"][0]["url"] == "http://testserver/static/img/berita.png"
    )  # no photo: the site's image
    assert data["author"]["name"] == article.editor.name


def test_article_has_open_graph_twitter_and_canonical_tags(client):
    article = make_article(
        headline="Persib Juara", photo=make_photo(caption="Pemain merayakan gol")
    )
    html = client.get(f"{article.get_absolute_url()}?utm_source=x").content.decode()
    url = f"http://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "property", "og:url") == url
    assert meta(html, "property", "og:type") == "article"
    assert (
        meta(html, "property", "og:title") == meta(html, "name", "twitter:title") == "Persib Juara"
    )
    assert meta(html, "property", "og:description") == "Paragraf pertama."
    assert meta(html, "property", "og:image").endswith("-1200x628-191x100-f500-500.jpg")
    assert meta(html, "property", "og:image:alt") == "Pemain merayakan gol"
    assert meta(html, "name", "twitter:card") == "summary_large_image"
    assert meta(html, "property", "og:locale") == "id_ID"
    assert (
        meta(html, "property", "article:published_time")
        == article.published_at.astimezone(timezone.get_current_timezone()).isoformat()
    )


@pytest.mark.parametrize("url", ["/", "/indeks/", "/cari/?q=x", "/tag/persib/", "/kanal/jabar/"])
def test_every_page_has_one_canonical_link_and_open_graph(client, url):
    make_article(tags=["Persib"], section=make_section(slug="jabar"))
    html = client.get(url).content.decode()
    assert (
        len(re.findall(r'<link rel="canonical" href="http://testserver/[^"?]*(\?q=x)?">', html))
        == 1
    )
    assert meta(html, "property", "og:title") and meta(html, "property", "og:image")


def parse_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_site_feed_items_have_title_link_description_date_and_photo(client):
    story = make_article(headline="Persib & Persija", photo=make_photo(width=1600, height=1000))
    without_photo = make_article(photo=None, published_at=story.published_at - timedelta(hours=1))
    make_article(headline="Draf", status=Article.Status.DRAFT)
    feed = parse_feed(client, reverse("articles:feed"))
    assert feed.version == "rss20" and feed.feed.language == "id"
    assert [entry.title for entry in feed.entries] == ["Persib & Persija", without_photo.headline]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver{story.get_absolute_url()}"
    assert entry.description == "Paragraf pertama."
    assert entry.published_parsed[:5] == story.published_at.utctimetuple()[:5]
    [enclosure] = entry.enclosures
    assert enclosure.type == "image/jpeg" and enclosure.href.endswith("-1600x1000.jpg")
    stored = default_storage.path(enclosure.href.split(settings.MEDIA_URL, 1)[1])
    assert int(enclosure.length) == Path(stored).stat().st_size
    assert feed.entries[1].enclosures == []


def test_a_feed_asks_the_storage_for_each_photo_size_once_per_process(client, monkeypatch):
    """With S3-like storage each size is a request; a rendition never changes."""
    make_article(photo=make_photo(width=1600, height=1000))
    asked = []
    size = default_storage.size
    monkeypatch.setattr(default_storage, "size", lambda name: asked.append(name) or size(name))
    first = client.get(reverse("articles:feed")).content
    assert client.get(reverse("articles:feed")).content == first
    assert len(asked) == 1


def test_section_and_tag_feeds_hold_only_their_stories(client):
    section = make_section(name="Olahraga", slug="olahraga")
    in_section = make_article(section=section)
    tagged = make_article(tags=["Persib"])
    make_article(section=section, tags=["Persib"], status=Article.Status.DRAFT)
    section_feed = parse_feed(client, reverse("articles:section_feed", args=["olahraga"]))
    assert section_feed.feed.title == "Olahraga - Zona Priangan"
    assert [entry.title for entry in section_feed.entries] == [in_section.headline]
    tag_feed = parse_feed(client, reverse("articles:tag_feed", args=["persib"]))
    assert [entry.title for entry in tag_feed.entries] == [tagged.headline]
    html = client.get(section.get_absolute_url()).content.decode()
    assert 'type="application/rss+xml" title="Kanal: Olahraga" href="/kanal/olahraga/rss/"' in html


def test_feed_query_budget(client, django_assert_num_queries):
    for _ in range(5):
        make_article(section=make_section(), photo=make_photo(width=400, height=300))
    with django_assert_num_queries(2):
        # 1 the host's site (cold: then kept by the process), 2 the stories with photo,
        # editor, section and placement; renditions come from the cache or disk
        client.get(reverse("articles:feed"))


def test_sitemap_index_and_sections_parse_with_the_sitemap_namespace(
    client, django_assert_num_queries
):
    story = make_article(tags=["Persib", "Banjir Garut"])
    make_article(
        headline="Draf", status=Article.Status.DRAFT, published_at=timezone.now(), tags=["Draf"]
    )
    make_section(slug="jabar")
    with django_assert_num_queries(5):
        # 1 the host's site (cold: then kept by the process), 2 how many stories (pages of
        # the story sitemap), 3 their latest change, 4 how many sections, 5 how many tags;
        # never every story.
        response = client.get("/sitemap.xml")
    index = ElementTree.fromstring(response.content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    locations = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert locations == [
        f"http://testserver/sitemap-{name}.xml" for name in ("berita", "kanal", "tag", "halaman")
    ]
    lastmod = index.find(f"{SITEMAP}sitemap").findtext(f"{SITEMAP}lastmod")
    assert datetime.fromisoformat(lastmod) == story.published_at  # not the later draft
    stories = ElementTree.fromstring(client.get("/sitemap-berita.xml").content)
    assert stories.tag == f"{SITEMAP}urlset"
    assert [url.findtext(f"{SITEMAP}loc") for url in stories] == [
        f"http://testserver{story.get_absolute_url()}"
    ]
    # The day in the site's time zone (Asia/Jakarta), whatever the hour in UTC.
    published_day = timezone.localdate(story.published_at).isoformat()
    assert stories[0].findtext(f"{SITEMAP}lastmod") == published_day
    sections = ElementTree.fromstring(client.get("/sitemap-kanal.xml").content)
    assert [url.findtext(f"{SITEMAP}loc") for url in sections] == ["http://testserver/kanal/jabar/"]
    tags = ElementTree.fromstring(client.get("/sitemap-tag.xml").content)
    assert [url.findtext(f"{SITEMAP}loc") for url in tags] == [  # not the draft's tag
        "http://testserver/tag/banjir-garut/",
        "http://testserver/tag/persib/",
    ]


def test_sitemap_holds_at_most_50000_urls_per_page():
    assert ArticleSitemap.limit == 50000


def test_news_sitemap_lists_the_last_48_hours_with_publication_details(client):
    now = timezone.now()
    recent = make_article(
        headline="Banjir & Longsor <Garut>", published_at=now - timedelta(hours=47)
    )
    make_article(published_at=now - timedelta(hours=49))
    make_article(published_at=now - timedelta(hours=1), status=Article.Status.DRAFT)
    make_article(published_at=now + timedelta(hours=1))
    response = client.get("/sitemap-news.xml")
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    [url] = root.findall(f"{SITEMAP}url")
    assert url.findtext(f"{SITEMAP}loc") == f"http://testserver{recent.get_absolute_url()}"
    news = url.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Zona Priangan"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "id"
    assert news.findtext(f"{NEWS}title") == "Banjir & Longsor <Garut>"
    published = datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
    assert published == recent.published_at and published.utcoffset() == timedelta(hours=7)


def test_news_sitemap_stops_at_1000_stories_newest_first(client, django_assert_num_queries):
    now = timezone.now()
    bulk_create_articles(
        Article(
            headline=f"Berita {n}",
            slug=f"berita-{n}",
            body="Isi.",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(seconds=n + 1),
        )
        for n in range(1001)
    )
    with django_assert_num_queries(2):  # the host's site (cold), the window's stories
        response = client.get("/sitemap-news.xml")
    urls = ElementTree.fromstring(response.content).findall(f"{SITEMAP}url")
    assert len(urls) == 1000
    assert urls[0].findtext(f"{SITEMAP}loc").endswith("/berita/berita-0/")


def test_robots_txt_points_at_both_sitemaps(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # the host's site (cold: then kept by the process)
        response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines
    assert "User-agent: *" in lines
