"""The reader site's list pages: kanal, tag, editor, source, Indeks, search, errors."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles import network
from articles.models import Article, Byline
from articles.templatetags.reader import relative_time
from tests.factories import make_article, make_editor, make_photo, make_section, make_source

pytestmark = pytest.mark.django_db

HIDDEN = [
    {"status": Article.Status.DRAFT},
    {"status": Article.Status.IN_REVIEW},
    {"status": Article.Status.UNPUBLISHED},
    {"published_at": timezone.now() + timedelta(hours=1)},
]


def headlines(response):
    return [story.headline for story in response.context["stories"]]


def hidden_stories(headline="Rahasia", **fields):
    """One story in every state readers must not see, all sharing `fields`."""
    return [
        make_article(headline=f"{headline} {n}", **fields, **state)
        for n, state in enumerate(HIDDEN)
    ]


def subject_pages():
    """(url, fields that put a story on it) for every list page with a subject."""
    section, editor, source = (
        make_section(name="Olahraga", slug="olahraga"),
        make_editor(),
        make_source(),
    )
    return [
        (section.get_absolute_url(), {"section": section}),
        (reverse("articles:tag", args=["persib"]), {"tags": ["Persib"]}),
        (editor.get_absolute_url(), {"editor": editor}),
        (source.get_absolute_url(), {"sources": [source]}),
    ]


def test_subject_pages_list_their_published_stories_newest_first(client):
    now = timezone.now()
    for url, fields in subject_pages():
        older = make_article(published_at=now - timedelta(hours=5), **fields)
        newer = make_article(published_at=now - timedelta(hours=1), **fields)
        make_article(published_at=now - timedelta(hours=2))  # on another page
        hidden_stories(**fields)
        response = client.get(url)
        assert response.status_code == 200, url
        assert headlines(response) == [newer.headline, older.headline], url
        assert "Rahasia" not in response.content.decode()


def test_a_tag_editor_or_source_of_hidden_stories_alone_has_no_page_or_feed(client):
    editor, source = make_editor(name="Inisial Rahasia"), make_source(name="Sumber Rahasia")
    hidden_stories(tags=["Rencana Merger"], editor=editor, sources=[source])
    urls = [
        reverse("articles:tag", args=["rencana-merger"]),
        reverse("articles:tag_feed", args=["rencana-merger"]),
        editor.get_absolute_url(),
        source.get_absolute_url(),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Rahasia" not in response.content.decode()
        assert "Merger" not in response.content.decode()
    story = make_article(tags=["Rencana Merger"], editor=editor, sources=[source])
    assert [client.get(url).status_code for url in urls] == [200] * len(urls)
    reporter = make_editor(name="Reporter Garut")  # credited, not the story's editor
    assert client.get(reporter.get_absolute_url()).status_code == 404
    Byline.objects.create(article=story, person=reporter)
    assert client.get(reporter.get_absolute_url()).status_code == 200


def test_section_page_is_in_the_navigation_and_marks_itself_current(client):
    jabar = make_section(name="Jabar", slug="jabar", position=2)
    make_section(name="Nasional", slug="nasional", position=1)
    make_article(section=jabar)
    html = client.get(jabar.get_absolute_url()).content.decode()
    # No "JABAR" over every card of the Jabar list; the shared sidebar keeps its labels.
    main_list = html[: html.index('<aside class="layout__side"')]
    assert "story-card__section" not in main_list
    nav = html[html.index('aria-label="Navigasi utama"') :]
    assert nav.index(">Nasional<") < nav.index(">Jabar<")
    assert '<a href="/kanal/jabar/" aria-current="page">Jabar</a>' in nav
    assert "Terkini di Jabar" in html


def test_navigation_sections_come_from_one_cached_query(client, django_assert_num_queries):
    make_section(name="Nasional")
    client.get("/")
    with django_assert_num_queries(5):
        # 1 Terkini, 2 Pilihan Editor, 3 Terpopuler, 4 its fallback, 5 the kanal blocks'
        # stories; the sections for the navigation and the blocks come from the cache.
        html = client.get("/").content.decode()
    assert ">Nasional</a>" in html


def test_lists_paginate_with_stable_urls_and_404_for_bad_pages(client):
    for _ in range(21):
        make_article(tags=["Persib"])
    url = reverse("articles:tag", args=["persib"])
    first = client.get(url)
    assert len(first.context["stories"]) == 20
    assert f'href="{url}?page=2" rel="next"' in first.content.decode()
    second = client.get(url, {"page": 2})
    assert len(second.context["stories"]) == 1
    html = second.content.decode()
    assert f'href="{url}" rel="prev"' in html
    assert f'<link rel="canonical" href="http://testserver{url}?page=2">' in html
    for bad in ["3", "0", "-1", "abc", "last", "1.5", " 2", "99999999999999999999", "２"]:
        assert client.get(url, {"page": bad}).status_code == 404, bad


def test_a_full_last_page_has_no_next_link_and_nothing_after_it(client):
    for _ in range(20):
        make_article(tags=["Persib"])
    url = reverse("articles:tag", args=["persib"])
    html = client.get(url).content.decode()
    assert 'rel="next"' not in html
    assert "Halaman 1" not in html  # one page: no pagination at all
    assert client.get(url, {"page": 2}).status_code == 404


def test_an_empty_list_still_has_its_first_page(client):
    make_section(name="Kosong", slug="kosong")
    response = client.get("/kanal/kosong/")
    assert response.status_code == 200
    assert (
        '<li class="story-list__empty">Belum ada berita di kanal ini.</li>'
        in response.content.decode()
    )
    assert client.get("/kanal/kosong/", {"page": 2}).status_code == 404


def test_indeks_lists_one_day_on_the_sites_clock_with_its_neighbours(client):
    jakarta = timezone.get_current_timezone()
    day_start = datetime(2024, 5, 14, tzinfo=jakarta)
    inside = [
        make_article(headline="Tengah malam", published_at=day_start),
        make_article(
            headline="Menjelang tengah malam",
            published_at=day_start + timedelta(hours=23, minutes=59),
        ),
    ]
    make_article(headline="Hari sebelumnya", published_at=day_start - timedelta(seconds=1))
    make_article(headline="Hari berikutnya", published_at=day_start + timedelta(days=1))
    make_article(headline="Draf hari itu", published_at=day_start, status=Article.Status.DRAFT)
    response = client.get("/indeks/2024/05/14/")
    assert headlines(response) == [inside[1].headline, inside[0].headline]
    html = response.content.decode()
    assert 'href="/indeks/2024/05/13/" rel="prev"' in html
    assert 'href="/indeks/2024/05/15/" rel="next"' in html
    assert 'type="date" id="tanggal" name="tanggal" value="2024-05-14"' in html
    assert "14 Mei 2024" in html
    assert '<a href="/indeks/" aria-current="page">Indeks</a>' in html


def test_indeks_date_picker_goes_to_the_days_stable_url(client):
    response = client.get("/indeks/", {"tanggal": "2024-05-14"})
    assert response.status_code == 302 and response["Location"] == "/indeks/2024/05/14/"


def test_the_first_indeks_day_has_no_day_before(client):
    html = client.get("/indeks/1900/01/01/").content.decode()
    assert 'rel="prev"' not in html and 'href="/indeks/1900/01/02/" rel="next"' in html


def test_indeks_of_today_has_no_next_day_and_future_days_are_404(client):
    story = make_article(published_at=timezone.now() - timedelta(minutes=1))
    response = client.get("/indeks/")
    assert story.headline in headlines(response)
    assert 'rel="next"' not in response.content.decode()
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert client.get(f"/indeks/{tomorrow:%Y/%m/%d}/").status_code == 404


def test_search_finds_headline_and_body_words_and_hides_unpublished(client):
    in_headline = make_article(
        headline="Persib menang di Bandung", published_at=timezone.now() - timedelta(hours=3)
    )
    in_body = make_article(
        body="Warga Bandung menyambut Persib pulang.",
        published_at=timezone.now() - timedelta(hours=1),
    )
    make_article(headline="Persib kalah", body="Di Jakarta.")  # only one of the words
    hidden_stories(headline="Rahasia Persib Bandung")
    response = client.get("/cari/", {"q": "persib bandung"})
    assert headlines(response) == [in_headline.headline, in_body.headline]
    html = response.content.decode()
    assert "Rahasia" not in html
    assert "2 berita cocok dengan &ldquo;persib bandung&rdquo;" in html
    assert '<meta name="robots" content="noindex, follow">' in html


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "a" * 5000,
        "\x00",
        "'\"<script>",
        "%",
        "_",
        "&|!():*",
        "-",
        "\\",
        "SELECT 1; --",
        "ünïcödé 漢字",
    ],
)
def test_odd_search_queries_give_a_page_not_an_error(client, query):
    make_article(headline="Persib menang")
    response = client.get("/cari/", {"q": query})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</head>")[1]


def test_search_keeps_its_query_in_page_links(client):
    for _ in range(21):
        make_article(headline="Banjir di Garut")
    html = client.get("/cari/", {"q": "banjir garut"}).content.decode()
    assert 'href="/cari/?q=banjir+garut&amp;page=2" rel="next"' in html
    assert "Berita 1&ndash;20 yang cocok dengan &ldquo;banjir garut&rdquo;." in html
    second = client.get("/cari/", {"q": "banjir garut", "page": 2}).content.decode()
    assert "Berita ke-21 yang cocok dengan" in second


@pytest.mark.parametrize(
    "url",
    [
        "/kanal/tidak-ada/", "/sumber/tidak-ada/", "/kanal/tidak-ada/rss/", "/tag/tidak-ada/rss/",
        "/indeks/2024/02/30/", "/indeks/2024/13/01/", "/indeks/0000/01/01/", "/indeks/24/1/1/",
        "/indeks/?tanggal=kemarin", "/indeks/?tanggal=2024-02-30", "/indeks/?tanggal=0001-01-01",
        "/indeks/0001/01/01/", "/indeks/1899/12/31/", "/indeks/9999/12/31/",
        "/berita/%00/", "/berita/..%2F..%2F/",
        "/sitemap-tidak-ada.xml", "/sitemap-berita.xml?p=abc", "/sitemap-berita.xml?p=99",
    ],
)  # fmt: skip
def test_malformed_paths_are_404_not_500(client, url):
    assert client.get(url).status_code == 404


def test_404_page_is_indonesian_in_the_site_design(client):
    make_section(name="Nasional")
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Halaman tidak ditemukan" in html
    assert 'class="site-header"' in html and ">Nasional</a>" in html
    assert html.count("<h1") == 1
    assert 'rel="canonical"' not in html and "og:url" not in html  # nothing to point crawlers at


@override_settings(ROOT_URLCONF="tests.urls")
def test_500_page_is_indonesian_and_needs_no_database(client, django_assert_num_queries):
    client.raise_request_exception = False
    network.site_for_host("testserver")  # as a running process has it
    with django_assert_num_queries(0):
        response = client.get("/rusak/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Maaf, terjadi kesalahan di server kami" in html
    assert 'class="site-header"' in html and "Zona Priangan" in html
    assert '<a href="/indeks/">Lihat indeks berita hari ini</a>' in html
    assert '<form class="site-search" role="search" action="/cari/"' in html


@pytest.mark.parametrize(
    ("age", "shown"),
    [
        (timedelta(seconds=20), "baru saja"),
        (timedelta(minutes=5), "5 menit yang lalu"),
        (timedelta(hours=3, minutes=59), "3 jam yang lalu"),
        (timedelta(days=2, hours=1), "2 hari yang lalu"),
        (timedelta(days=7), None),
    ],
)
def test_relative_time(age, shown):
    now = timezone.now()
    assert relative_time(now - age, now=now) == shown


def test_cards_show_relative_time_with_the_exact_time_on_hover(client):
    story = make_article(
        tags=["Persib"], published_at=timezone.now() - timedelta(hours=3, minutes=5)
    )
    old = make_article(tags=["Persib"], published_at=datetime(2022, 5, 14, 11, 45, tzinfo=UTC))
    html = client.get(reverse("articles:tag", args=["persib"])).content.decode()
    machine_time = story.published_at.replace(microsecond=0).isoformat()
    assert (
        f'<time class="story-card__time" datetime="{machine_time}" '
        f'title="{story.date_line}">3 jam yang lalu</time>'
    ) in html
    assert re.search(r'title="14 Mei 2022, 18:45 WIB">14 Mei 2022, 18:45 WIB</time>', html)
    assert old.date_line == "14 Mei 2022, 18:45 WIB"


def list_page_urls():
    section = make_section(name="Jabar", slug="jabar")
    editor, source = make_editor(), make_source()
    return (
        section,
        editor,
        source,
        {
            "section": section.get_absolute_url(),
            "tag": reverse("articles:tag", args=["persib"]),
            "editor": editor.get_absolute_url(),
            "source": source.get_absolute_url(),
            "indeks": reverse("articles:indeks"),
            "search": "/cari/?q=persib",
        },
    )


# Per page type: the queries beyond the six every list page makes, which are
# 1 the page of stories with photos and sections (and one more row: no COUNT), 2 Terkini,
# 3 Terpopuler, 4 its fallback to the latest (no views yet), 5 the navigation's
# sections (cold cache) and 6 the host's site (cold: then kept by the process).
# A kanal comes from the navigation's list (query 5), other subjects take one query;
# a search ranks its matches in one and makes the page's excerpts from their bodies in
# another (shared until a purge), then reads the page in query 1.
# A kanal's first page also shows its Pilihan Editor: one query (shared until a purge).
SUBJECT_QUERY = {"section": 1, "tag": 1, "editor": 1, "source": 1, "indeks": 0, "search": 2}
# On PostgreSQL a search ranks under a statement timeout (`articles.readers.search.ranked`): set
# and put back, in a savepoint here since each test runs inside a transaction.
RANKING_TIME_LIMIT = 4 if connection.vendor == "postgresql" else 0


@pytest.mark.parametrize("page", SUBJECT_QUERY)
@pytest.mark.parametrize("stories", [1, 25])
def test_list_page_query_budget(client, django_assert_num_queries, page, stories):
    section, editor, source, urls = list_page_urls()
    photo = make_photo(width=400, height=300)
    for _ in range(stories):
        make_article(
            headline="Persib juara", section=section, editor=editor, sources=[source],
            tags=["Persib"], photo=photo, published_at=timezone.now() - timedelta(minutes=5),
        )  # fmt: skip
    time_limit = RANKING_TIME_LIMIT if page == "search" else 0
    with django_assert_num_queries(6 + SUBJECT_QUERY[page] + time_limit) as captured:
        # the subject (tag, editor or source) when the page has one, then the six above
        response = client.get(urls[page])
    assert not [query for query in captured.captured_queries if "COUNT(" in query["sql"]]
    assert len(response.context["stories"]) == min(stories, response.context["paginator"].per_page)


@pytest.mark.parametrize("stories", [1, 15])
def test_home_page_with_kanal_blocks_query_budget(client, django_assert_num_queries, stories):
    sections = [make_section() for _ in range(3)]
    for n in range(stories):
        make_article(
            section=sections[n % 3],
            photo=make_photo(width=400, height=300),
            published_at=timezone.now() - timedelta(minutes=n),
        )
    with django_assert_num_queries(7):
        # 1 the host's site (cold), 2 Terkini with the lead, 3 Pilihan Editor, 4 Terpopuler,
        # 5 its fallback, 6 the sections (cold cache), 7 the latest stories of every kanal
        # at once.
        response = client.get("/")
    blocks = response.context["section_blocks"]()
    assert [section for section, _ in blocks] == sections[: min(stories, 3)]
    assert all(len(block) == min(4, -(-stories // 3)) for _, block in blocks)
    for _, block in blocks:
        times = [story.published_at for story in block]
        assert times == sorted(times, reverse=True)  # newest first
    if stories > 4 * 3:
        newest = Article.objects.latest_published().filter(section=sections[0])[:4]
        assert blocks[0][1] == list(newest)


def test_feeds_are_sent_in_one_piece(client):
    """Written element by element, a feed went out as thousands of socket writes."""
    make_article(photo=make_photo(width=800, height=600))
    pieces = [piece for piece in client.get(reverse("articles:feed")) if piece]
    assert len(pieces) == 1  # (after the empty content the response starts with)
