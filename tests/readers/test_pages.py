"""Reader pages as a browser receives them: content, order, escaping, visibility, queries."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import network
from articles.models import Article, DailyViews, RelatedLink
from tests.conftest import clear_cache
from tests.factories import make_article, make_related_link, make_source

pytestmark = pytest.mark.django_db

READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile Safari/537.36"}


def text_of(html):
    """The visible text of a page, tags dropped and whitespace folded."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def seeded(client):
    call_command("loadseeds", stdout=StringIO())
    return Article.objects.get()


def test_article_page_shows_the_seed_in_the_order_of_the_site(client, seeded):
    response = client.get(seeded.get_absolute_url(), **READER)
    assert response.status_code == 200
    page = text_of(response.content.decode())
    expected_in_order = [
        "Pertama Kalinya Sejak Invasi Rusia Terhadap Ukraina, Kepala Pentagon Berbicara",
        "14 Mei 2022, 18:45 WIB",
        "3 Mei 2022. /Pool via REUTERS/Amanda Andrade-Rhoades/",
        "ZONA PRIANGAN - Menteri Pertahanan AS Lloyd Austin menyerukan",
        "Austin menekankan pentingnya menjaga jalur komunikasi",
        "Baca Juga: Moskow akan Merespons jika NATO",
        "Seorang pejabat AS, yang berbicara dengan syarat anonim",
        "Baca Juga: Perlawanan Tentara Ukraina Melemah",
        "Baca Juga: Ukraina Menuduh Rusia Mendeportasi Paksa",
        "video dari militer Ukraina itu diungkap pada hari Jumat. ***",
        "Editor: Yurri Erfansyah",
        "Sumber: Reuters",
        "Tags",
        "Terkini",
        "Terpopuler",
    ]
    positions = [page.find(part) for part in expected_in_order]
    assert -1 not in positions, dict(zip(expected_in_order, positions, strict=True))
    assert positions == sorted(positions)
    html = response.content.decode()
    assert '<strong class="article__dateline">ZONA PRIANGAN</strong>' in html
    assert f'href="{seeded.editor.get_absolute_url()}"' in html
    assert html.count("<h1") == 1


def test_article_text_is_escaped_and_shown_as_written(client):
    article = make_article(
        headline='Harga <b>cabai</b> & "bawang" naik — lagi…',
        body='Paragraf <script>alert(1)</script> & tanda kutip "ganda" — selesai…',
        dateline="BANDUNG",
    )
    html = client.get(article.get_absolute_url(), **READER).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; tanda kutip &quot;ganda&quot; — selesai…"
        in html
    )
    assert "Harga &lt;b&gt;cabai&lt;/b&gt; &amp; &quot;bawang&quot; naik — lagi…" in html


def test_tags_link_to_their_tag_page_which_lists_the_story(client):
    article = make_article(tags=["Ukraina", "Rusia"])
    html = client.get(article.get_absolute_url(), **READER).content.decode()
    tag_url = reverse("articles:tag", args=["ukraina"])
    assert f'href="{tag_url}"' in html
    tag_page = client.get(tag_url).content.decode()
    assert article.headline in tag_page


def test_a_tag_page_lists_its_published_stories_only_newest_first(client):
    now = timezone.now()
    older = make_article(
        headline="Banjir Lama", tags=["Banjir"], published_at=now - timedelta(days=2)
    )
    newer = make_article(
        headline="Banjir Baru", tags=["Banjir", "Garut"], published_at=now - timedelta(hours=1)
    )
    make_article(headline="Longsor", tags=["Longsor"])
    make_article(headline="Banjir Draf", tags=["Banjir"], status=Article.Status.DRAFT)
    stories = client.get(reverse("articles:tag", args=["banjir"])).context["stories"]
    assert list(stories) == [newer, older]


def test_baca_juga_links_to_a_published_story_or_shows_its_title(client):
    target = make_article(headline="Berita Tujuan")
    hidden = make_article(headline="Berita Draf", status=Article.Status.DRAFT)
    article = make_article()
    make_related_link(article, target=target, title="Berita Tujuan", after_paragraph=1)
    make_related_link(article, target=hidden, title="Berita Draf", after_paragraph=1, position=1)
    make_related_link(article, title="Di Luar", url="https://example.org/x", after_paragraph=2)
    html = client.get(article.get_absolute_url(), **READER).content.decode()
    assert f'<a href="{target.get_absolute_url()}">Berita Tujuan</a>' in html
    assert hidden.get_absolute_url() not in html
    assert "<strong>Baca Juga:</strong> Berita Draf" in html
    assert '<a href="https://example.org/x">Di Luar</a>' in html


def test_baca_juga_without_a_title_never_shows_an_unpublished_headline(client):
    embargoed = make_article(
        headline="Rahasia Sampai Besok", published_at=timezone.now() + timedelta(days=1)
    )
    article = make_article()
    make_related_link(article, target=embargoed, title="", after_paragraph=1)
    html = client.get(article.get_absolute_url(), **READER).content.decode()
    assert "Rahasia Sampai Besok" not in html
    assert "Baca Juga:" not in html


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.IN_REVIEW},
        {"status": Article.Status.UNPUBLISHED},
        {"published_at": timezone.now() + timedelta(minutes=5)},
    ],
    ids=["draft", "in-review", "unpublished", "scheduled-in-future"],
)
def test_unpublished_and_future_stories_are_404_and_missing_from_lists(client, fields):
    hidden = make_article(headline="Rahasia Redaksi", **fields)
    assert client.get(hidden.get_absolute_url(), **READER).status_code == 404
    DailyViews.objects.create(article=hidden, day=timezone.localdate(), views=100)
    assert "Rahasia Redaksi" not in client.get("/").content.decode()


def test_home_shows_lead_story_terkini_newest_first_and_terpopuler_by_views(client, settings):
    settings.TERKINI_COUNT = 3
    now = timezone.now()
    old, middle, new = (
        make_article(headline=f"Berita {name}", published_at=now - timedelta(hours=hours))
        for name, hours in [("Lama", 30), ("Tengah", 20), ("Baru", 10)]
    )
    make_article(headline="Berita Terlama", published_at=now - timedelta(days=3))
    today = timezone.localdate()
    DailyViews.objects.create(article=old, day=today, views=50)
    DailyViews.objects.create(article=middle, day=today - timedelta(days=1), views=30)
    DailyViews.objects.create(
        article=new, day=today - timedelta(days=30), views=999
    )  # outside window

    response = client.get("/")
    assert [story.headline for story in response.context["terkini"]] == [
        "Berita Baru", "Berita Tengah", "Berita Lama",
    ]  # fmt: skip
    assert [story.headline for story in response.context["terpopuler"]] == [
        "Berita Lama", "Berita Tengah",
    ]  # fmt: skip
    html = response.content.decode()
    assert html.index('class="lead-story"') < html.index("Berita Baru") < html.index("Terkini")


def test_terpopuler_breaks_ties_by_recency_and_falls_back_to_latest(client):
    now = timezone.now()
    older = make_article(headline="Lebih Lama", published_at=now - timedelta(hours=5))
    newer = make_article(headline="Lebih Baru", published_at=now - timedelta(hours=2))
    fallback = client.get("/").context["terpopuler"]
    assert [story.headline for story in fallback] == ["Lebih Baru", "Lebih Lama"]
    for article in (older, newer):
        DailyViews.objects.create(article=article, day=timezone.localdate(), views=7)
    assert [story.headline for story in client.get("/").context["terpopuler"]] == [
        "Lebih Baru", "Lebih Lama",
    ]  # fmt: skip


def test_reading_a_story_counts_one_view_for_readers_only(client, django_user_model):
    article = make_article()
    url = article.get_absolute_url()
    client.get(url, **READER)
    client.get(url, **READER)  # the same reader again: counted once per window
    client.get(url, REMOTE_ADDR="10.0.0.2", **READER)  # another reader
    client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1)")
    client.get(url)  # no user agent: a script, not a reader
    client.head(url, **READER)
    staff = django_user_model.objects.create_user("redaksi", password="x", is_staff=True)
    client.force_login(staff)
    client.get(url, **READER)
    assert DailyViews.objects.get(article=article).views == 2


def test_terkini_is_shown_on_the_article_page_without_the_story_being_read(client):
    article = make_article(headline="Sedang Dibaca")
    other = make_article(headline="Berita Lain")
    context = client.get(article.get_absolute_url(), **READER).context
    assert other in context["terkini"]
    assert not DailyViews.objects.filter(article=other).exists()


def article_with(count):
    """A story with `count` tags, sources and related links, plus as many other stories."""
    others = [make_article() for _ in range(count)]
    article = make_article(
        tags=[f"tag-{n}" for n in range(count)],
        sources=[make_source() for _ in range(count)],
    )
    for position, other in enumerate(others):
        make_related_link(article, target=other, after_paragraph=position % 3, position=position)
    return article


def count_queries(client, url):
    """Queries of one request with a cold cache, so that requests compare alike."""
    clear_cache()
    network.forget_sites()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **READER)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["article", "home"])
def test_page_query_count_does_not_grow_with_tags_sources_and_links(client, page):
    small, big = article_with(1), article_with(20)
    DailyViews.objects.bulk_create(
        DailyViews(article=article, day=timezone.localdate(), views=article.pk)
        for article in Article.objects.all()
    )
    if page == "article":
        small_count = count_queries(client, small.get_absolute_url())
        big_count = count_queries(client, big.get_absolute_url())
    else:
        small_count = count_queries(client, "/")
        article_with(20)
        big_count = count_queries(client, "/")
    assert big_count == small_count
    assert small_count <= 13


def test_article_page_query_budget(client, django_assert_num_queries):
    article = article_with(5)
    DailyViews.objects.create(article=article, day=timezone.localdate(), views=1)
    with django_assert_num_queries(13):
        # 1 the host's site (then kept by the process), 2 story with photo, editor, section
        # and its placement here, 3 sources, 4 tags, 5 related links with targets, 6 bylines
        # with their people, 7 its views so far, 8 Berita Terkait, 9 its topics, 10 Terkini,
        # 11 Terpopuler (ranked in a subquery), 12 the navigation's sections (then cached),
        # 13 the view's upsert.
        client.get(article.get_absolute_url(), **READER)


def test_article_page_query_budget_in_production(
    client, redis_cache, settings, django_assert_num_queries
):
    """With Redis the view is buffered there, and the ranking comes from the cache."""
    settings.POPULAR_REFRESH_SECONDS = 60
    article = article_with(5)
    DailyViews.objects.create(article=article, day=timezone.localdate(), views=1)
    client.get(article.get_absolute_url(), REMOTE_ADDR="10.0.0.9", **READER)
    with django_assert_num_queries(10):
        # 1 story with photo, editor and section, 2 sources, 3 tags, 4 related links with
        # targets, 5 bylines with their people, 6 its views so far, 7 Berita Terkait, 8 its
        # topics (2-8 only when the story's markup is made: PAGE_CACHE_SECONDS is 0 here),
        # 9 Terkini, 10 the stories of the cached Terpopuler ranking.
        client.get(article.get_absolute_url(), **READER)


def test_home_page_query_budget(client, django_assert_num_queries):
    article_with(5)
    with django_assert_num_queries(6):
        # 1 the host's site (then kept by the process), 2 Terkini (its first story is the
        # lead), 3 Pilihan Editor, 4 Terpopuler, 5 its fallback to the latest, 6 the
        # sections, for the kanal
        # blocks and the navigation (then cached); with no
        # sections there are no kanal blocks to fetch.
        client.get("/")


def test_unknown_story_tag_and_editor_are_404(client):
    for url in ["/berita/tidak-ada/", "/tag/tidak-ada/", "/editor/tidak-ada/"]:
        assert client.get(url).status_code == 404


def test_related_link_to_a_deleted_story_keeps_its_title():
    target = make_article(headline="Akan Dihapus")
    link = make_related_link(make_article(), target=target, title="Akan Dihapus")
    target.delete()
    link.refresh_from_db()
    assert link.target is None and link.display_title == "Akan Dihapus"
    assert RelatedLink.objects.count() == 1
