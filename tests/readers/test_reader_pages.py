"""Multi-page stories, "Dibaca N kali" and the share links on the story page."""

import json
import re
from io import StringIO
from urllib.parse import quote_plus

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import network
from articles.delivery.readership import flush_views
from articles.models import Article, DailyViews
from articles.seeds import format as seedformat
from tests.conftest import clear_cache
from tests.factories import make_article, make_related_link

pytestmark = pytest.mark.django_db

READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile Safari/537.36"}
THREE_PAGES = "Satu.\n\nDua.\n\n[halaman]\n\nTiga.\n\nEmpat.\n\n[halaman]\n\nLima.\n\nEnam."


def page(client, article, query=""):
    response = client.get(article.get_absolute_url() + query, **READER)
    return response, response.content.decode()


def body_text(html):
    body = html.split('<div class="article__body">')[1].split("</div>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


@pytest.fixture
def long_story():
    story = make_article(headline="Banjir Bandang Garut", body=THREE_PAGES, dateline="GARUT")
    for after, title in [
        (1, "Baca Satu"),
        (2, "Baca Di Batas"),
        (3, "Baca Tiga"),
        (6, "Baca Akhir"),
    ]:
        make_related_link(story, title=title, after_paragraph=after, url="https://example.org/")
    return story


def test_each_page_shows_its_own_paragraphs_and_baca_juga_in_place(client, long_story):
    texts = [body_text(page(client, long_story, query)[1]) for query in ("", "?page=2", "?page=3")]
    assert texts[0] == "GARUT - Satu. Baca Juga: Baca Satu Dua. Baca Juga: Baca Di Batas"
    assert texts[1] == "Tiga. Baca Juga: Baca Tiga Empat."
    assert texts[2] == "Lima. Enam. *** Baca Juga: Baca Akhir"
    whole = body_text(page(client, long_story, "?page=all")[1])
    assert whole == " ".join(texts)
    assert "[halaman]" not in whole


def test_a_page_has_its_own_canonical_and_title_and_links_to_the_others(client, long_story):
    url = long_story.get_absolute_url()
    _, first = page(client, long_story)
    assert f'<link rel="canonical" href="http://testserver{url}">' in first
    assert "<title>Banjir Bandang Garut - Zona Priangan</title>" in first
    assert '<span class="story-pages__current" aria-current="page">1</span>' in first
    assert f'<a href="{url}?page=2">2</a>' in first and f'<a href="{url}?page=3">3</a>' in first
    assert f'href="{url}?page=2" rel="next">Selanjutnya</a>' in first
    assert f'<a href="{url}?page=all">Tampilkan semua</a>' in first

    _, second = page(client, long_story, "?page=2")
    assert f'<link rel="canonical" href="http://testserver{url}?page=2">' in second
    assert f'<meta property="og:url" content="http://testserver{url}?page=2">' in second
    assert "<title>Banjir Bandang Garut - Halaman 2 - Zona Priangan</title>" in second
    assert f'<a href="{url}">1</a>' in second
    assert f'href="{url}?page=3" rel="next">Selanjutnya</a>' in second

    _, last = page(client, long_story, "?page=3")
    assert "Selanjutnya" not in last

    _, whole = page(client, long_story, "?page=all")
    assert f'<link rel="canonical" href="http://testserver{url}">' in whole
    assert "<title>Banjir Bandang Garut - Zona Priangan</title>" in whole
    assert "Tampilkan semua" not in whole and "Menampilkan seluruh 3 halaman." in whole


def test_a_long_story_lists_the_pages_near_the_current_one_and_both_ends(client):
    story = make_article(body="\n\n[halaman]\n\n".join(f"Bagian {n}." for n in range(1, 13)))
    url = story.get_absolute_url()

    def shown(query):
        nav = page(client, story, query)[1].split('class="story-pages__list"')[1].split("</ul>")[0]
        return re.findall(r">([0-9]+|…)</(?:a|span)>", nav)

    assert shown("") == ["1", "2", "3", "…", "12"]
    assert shown("?page=7") == ["1", "…", "5", "6", "7", "8", "9", "…", "12"]
    assert shown("?page=12") == ["1", "…", "10", "11", "12"]
    assert shown("?page=all") == ["1", "2", "3", "…", "12"]
    assert f'<a href="{url}?page=12">12</a>' in page(client, story)[1]
    assert body_text(page(client, story, "?page=7")[1]) == "Bagian 7."


def test_page_one_asked_for_by_number_is_page_one(client, long_story):
    _, html = page(client, long_story, "?page=1")
    url = long_story.get_absolute_url()
    assert f'<link rel="canonical" href="http://testserver{url}">' in html


@pytest.mark.parametrize("bad", ["0", "4", "-1", "abc", "1.5", " 2", "ALL", "99999999999999999999"])
def test_bad_page_numbers_are_404(client, long_story, bad):
    assert client.get(long_story.get_absolute_url(), {"page": bad}, **READER).status_code == 404


def test_a_story_of_one_page_has_no_page_navigation_and_no_page_two(client):
    story = make_article()
    _, html = page(client, story)
    assert "story-pages" not in html
    assert page(client, story, "?page=2")[0].status_code == 404
    assert page(client, story, "?page=all")[0].status_code == 200


def test_breaks_at_the_edges_or_doubled_make_no_empty_page():
    story = Article(body="[halaman]\n\nSatu.\n\n[halaman]\n\n[HALAMAN]\n\nDua.\n\n[halaman]")
    assert story.paragraphs == ["Satu.", "Dua."]
    assert story.page_breaks == (1,)


def test_json_ld_and_feed_carry_the_whole_story(client, long_story):
    _, html = page(client, long_story, "?page=3")
    data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["description"].startswith("Satu.")
    assert data["url"].endswith(long_story.get_absolute_url())  # the story's, not the page's
    feed = client.get("/rss/").content.decode()
    assert "Satu." in feed and "[halaman]" not in feed


def test_the_shipped_seeds_export_exactly_as_before(seed_text):
    call_command("loadseeds", stdout=StringIO())
    out = StringIO()
    call_command("exportseed", Article.objects.get().slug, stdout=out)
    assert out.getvalue().rstrip("\n") == seed_text.rstrip("\n")
    assert seedformat.parse(seed_text).page_breaks == ()


def test_a_seed_with_page_breaks_round_trips_through_the_database(seed_text, tmp_path):
    story = seedformat.parse(seed_text)
    with_breaks = seedformat.render(seedformat.Story(**{**story.__dict__, "page_breaks": (1, 3)}))
    assert with_breaks.count("\n\n[halaman]\n\n") == 2
    assert seedformat.render(seedformat.parse(with_breaks)) == with_breaks
    path = tmp_path / "halaman.txt"
    path.write_text(with_breaks, encoding="utf-8")
    call_command("loadseeds", str(path), stdout=StringIO())
    article = Article.objects.get()
    assert article.page_count == 3
    assert [link.after_paragraph for link in article.related_links.all()] == [
        link.after_paragraph for link in story.related_links
    ]
    out = StringIO()
    call_command("exportseed", article.slug, stdout=out)
    assert out.getvalue().rstrip("\n") == with_breaks


@pytest.mark.parametrize(
    "text, line",
    [
        ("[halaman]\n\nSatu.", "before"),
        ("Satu.\n\n[halaman]\n\n[halaman]\n\nDua.", "before"),
        ("Satu.\n\n[halaman]", "after"),
    ],
)
def test_a_seed_break_without_paragraphs_around_it_is_an_error(seed_text, text, line):
    head, _, tail = seed_text.partition("\n\nEditor: ")
    head_lines = head.split("\n\n")[:2]  # headline, date and caption
    document = "\n\n".join([*head_lines, text]) + "\n\nEditor: " + tail
    with pytest.raises(seedformat.SeedFormatError, match=f"expected a paragraph {line}"):
        seedformat.parse(document)


def views_line(html):
    return re.search(r"Dibaca (\d+) kali", html)


def test_views_shown_are_the_counted_views_after_a_flush(client, redis_cache, settings):
    settings.PAGE_CACHE_SECONDS = 60
    story = make_article()
    DailyViews.objects.create(
        article=story, day=timezone.localdate() - timezone.timedelta(days=3), views=40
    )
    for number in range(5):
        client.get(story.get_absolute_url(), REMOTE_ADDR=f"10.1.0.{number}", **READER)
    flush_views()
    clear_cache()  # as a purge or the end of the cache period would
    counted = sum(DailyViews.objects.filter(article=story).values_list("views", flat=True))
    assert counted == 45
    bot = {"HTTP_USER_AGENT": "Googlebot/2.1"}  # not counted: the total stays as it is
    html = client.get(story.get_absolute_url(), {"fbclid": "x"}, **bot).content.decode()
    assert int(views_line(html)[1]) == counted


def test_the_admin_list_shows_the_same_count(client, admin_user):
    story = make_article(headline="Dihitung")
    DailyViews.objects.create(article=story, day=timezone.localdate(), views=12)
    client.force_login(admin_user)
    html = client.get("/admin/articles/article/").content.decode()
    row = html[html.index("Dihitung") :].split("</tr>")[0]
    assert '<td class="field-views">12</td>' in row
    client.logout()
    assert views_line(page(client, story)[1])[1] == "12"


def queries_of_story(client, story):
    clear_cache()
    network.forget_sites()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(story.get_absolute_url(), **READER)
    assert response.status_code == 200
    return len(queries)


def test_the_view_count_costs_one_query_whatever_the_days_counted(client):
    few, many = make_article(), make_article()
    DailyViews.objects.create(article=few, day=timezone.localdate(), views=1)
    DailyViews.objects.bulk_create(
        DailyViews(article=many, day=timezone.localdate() - timezone.timedelta(days=n), views=n)
        for n in range(25)
    )
    assert queries_of_story(client, few) == queries_of_story(client, many)


def test_share_links_carry_the_canonical_url_and_need_no_third_party_script(client, long_story):
    _, html = page(client, long_story, "?page=2")
    url = f"http://testserver{long_story.get_absolute_url()}?page=2"
    encoded = quote_plus(url)
    for href in [
        "https://wa.me/?text=Banjir+Bandang+Garut+" + encoded,
        "https://www.facebook.com/sharer/sharer.php?u=" + encoded,
        "https://x.com/intent/post?url=" + encoded,
        "https://t.me/share/url?url=" + encoded,
    ]:
        assert f'href="{href}' in html.replace("&amp;", "&"), href
    assert f'<button type="button" class="share__copy" data-url="{url}" hidden>' in html
    scripts = re.findall(r"<script[^>]*src=\"([^\"]+)\"", html)
    assert scripts and all(src.startswith("/static/") for src in scripts)
    assert "<script>" not in html
