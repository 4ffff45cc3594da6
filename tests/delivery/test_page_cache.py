"""Anonymous readers get cached pages, never stale beyond PAGE_CACHE_SECONDS, never private ones."""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from taggit.models import Tag

from articles.delivery.fragments import shared_between_purges
from articles.delivery.purge import host_generation, purge_public_pages
from articles.delivery.readership import flush_views
from articles.editorial import revisions, workflow
from articles.editorial.tags import merge_tags
from articles.models import Article, DailyViews, Site
from articles.readers.views import lists
from tests.editorial.test_revisions import logged_in, save
from tests.editorial.test_workflow import story
from tests.factories import make_article, make_section, make_source

pytestmark = pytest.mark.django_db

READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile Safari/537.36"}


@pytest.fixture(autouse=True)
def page_cache(any_cache, settings):
    settings.PAGE_CACHE_SECONDS = 60
    return any_cache


def test_an_anonymous_reader_gets_the_cached_page_without_queries(
    client, django_assert_num_queries
):
    make_article(headline="Berita Utama")
    first = client.get("/", **READER)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/", **READER)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "Berita Utama" in second.content.decode()


def test_a_cached_story_page_still_counts_each_reader_once(client):
    article = make_article()
    url = article.get_absolute_url()
    client.get(url, **READER)
    assert client.get(url, REMOTE_ADDR="10.0.0.2", **READER)["X-Page-Cache"] == "hit"
    client.get(url, REMOTE_ADDR="10.0.0.2", **READER)  # the same reader again
    client.get(url, HTTP_USER_AGENT="Googlebot/2.1")  # a bot
    flush_views()
    assert DailyViews.objects.get(article=article).views == 2


def test_a_withdrawn_story_disappears_at_once_when_pages_are_purged(client):
    article = make_article(headline="Berita Yang Ditarik")
    url = article.get_absolute_url()
    assert client.get(url, **READER).status_code == 200
    assert "Berita Yang Ditarik" in client.get("/", **READER).content.decode()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.UNPUBLISHED)
    purge_public_pages()
    assert client.get(url, **READER).status_code == 404
    assert "Berita Yang Ditarik" not in client.get("/", **READER).content.decode()


def test_withdrawing_and_publishing_in_the_workflow_reach_readers_at_once(
    client, admin_user, django_capture_on_commit_callbacks
):
    article = make_article(headline="Berita Yang Ditarik")
    url = article.get_absolute_url()
    client.get(url, **READER)
    client.get("/", **READER)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(article, workflow.Action.UNPUBLISH, user=admin_user, note="Data keliru")
    assert client.get(url, **READER).status_code == 404
    assert "Berita Yang Ditarik" not in client.get("/", **READER).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(article, workflow.Action.PUBLISH, user=admin_user)
    assert client.get(url, **READER).status_code == 200


def test_an_edit_saved_in_the_admin_reaches_readers_at_once(
    client, admin_user, django_capture_on_commit_callbacks
):
    article = make_article(headline="Judul Sebelum Disunting")
    client.get(article.get_absolute_url(), **READER)
    with django_capture_on_commit_callbacks(execute=True):
        save(logged_in(admin_user), article, headline="Judul Sesudah Disunting")
    assert (
        "Judul Sesudah Disunting"
        in client.get(article.get_absolute_url(), **READER).content.decode()
    )


def test_without_a_purge_changes_reach_readers_within_the_configured_delay(client, settings):
    settings.PAGE_CACHE_SECONDS = 1
    article = make_article(headline="Judul Lama")
    url = article.get_absolute_url()
    client.get(url, **READER)
    client.get("/", **READER)
    Article.objects.filter(pk=article.pk).update(headline="Judul Baru")
    scheduled = make_article(headline="Berita Terjadwal", published_at=article.published_at)
    assert "Judul Lama" in client.get(url, **READER).content.decode()  # still cached
    assert "Berita Terjadwal" not in client.get("/", **READER).content.decode()
    time.sleep(1.1)
    assert "Judul Baru" in client.get(url, **READER).content.decode()
    assert scheduled.headline in client.get("/", **READER).content.decode()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.UNPUBLISHED)
    time.sleep(1.1)
    assert client.get(url, **READER).status_code == 404


def cache_entries():
    """How many entries the cache holds (on Redis, this run's)."""
    return len(cache.keys("*")) if hasattr(cache, "keys") else len(cache._cache)


def test_pages_are_kept_under_the_query_parameters_their_view_uses(client):
    for _ in range(21):
        make_article(tags=["Garut"])  # two pages of the tag
    story = make_article(body="Satu.\n\n[halaman]\n\nDua.\n\n[halaman]\n\nTiga.")
    for url in ["/tag/garut/", story.get_absolute_url()]:
        assert client.get(url, {"page": "2"}, **READER)["X-Page-Cache"] == "miss"
        for spelled in ["page=2", "page=%32", "page=1&page=2"]:  # one page, one entry
            assert client.get(url, QUERY_STRING=spelled, **READER)["X-Page-Cache"] == "hit"
    for url in ["/?page=2", "/?utm_source=wa", "/tag/garut/?page=2&x=1", "/cari/?q=garut"]:
        for _ in range(2):
            assert "X-Page-Cache" not in client.get(url, **READER), url


def test_query_strings_a_page_ignores_or_cannot_use_add_nothing_to_the_cache(client):
    """A flood of `?page=N` on every page filled Redis (2 MB to 107 MB in 30 seconds)."""
    for _ in range(21):
        make_article(tags=["Garut"])
    story = make_article(body="Satu.\n\n[halaman]\n\nDua.")
    pages = ["/", story.get_absolute_url(), "/tag/garut/", "/indeks/", "/rss/", "/sitemap.xml"]
    for url in pages:
        client.get(url, **READER)
        client.get(url, {"page": "2"}, **READER)  # the pages that exist are kept
    before = cache_entries()
    for number in range(3, 40):
        for url in pages:
            for value in [number, f"abc{number}", 999999 + number]:
                assert client.get(url, {"page": value}, **READER).status_code in {200, 404}
            assert client.get(url, {"utm_source": number}, **READER).status_code == 200
    assert cache_entries() == before


@pytest.mark.parametrize("host", ["testserver:8081", "TestServer", "testserver."])
def test_other_spellings_of_the_host_are_rendered_afresh_and_not_kept(client, host):
    story = make_article()
    for url in ["/", story.get_absolute_url()]:
        client.get(url, **READER)
        before = cache_entries()
        response = client.get(url, HTTP_HOST=host, **READER)
        assert response.status_code == 200 and "X-Page-Cache" not in response
        assert cache_entries() == before


def test_signed_in_users_get_fresh_pages(client, django_user_model):
    make_article()
    client.get("/", **READER)
    editor = django_user_model.objects.create_user("redaksi", password="x", is_staff=True)
    client.force_login(editor)
    response = client.get("/", **READER)
    assert "X-Page-Cache" not in response


def test_admin_errors_and_uncacheable_responses_are_not_cached(client):
    for url in [reverse("admin:login"), "/berita/tidak-ada/", reverse("livez")]:
        client.get(url, **READER)
        assert "X-Page-Cache" not in client.get(url, **READER), url
    assert "X-Page-Cache" not in client.post("/", **READER)


def test_the_terpopuler_ranking_is_cached_but_a_withdrawn_story_leaves_it_at_once(client, settings):
    settings.POPULAR_REFRESH_SECONDS = 60
    settings.PAGE_CACHE_SECONDS = 0
    popular, rising = make_article(headline="Paling Dibaca"), make_article(headline="Menyusul")
    DailyViews.objects.create(article=popular, day=popular.published_at.date(), views=10)
    assert [s.headline for s in client.get("/").context["terpopuler"]] == ["Paling Dibaca"]
    DailyViews.objects.create(article=rising, day=popular.published_at.date(), views=50)
    assert [s.headline for s in client.get("/").context["terpopuler"]] == ["Paling Dibaca"]
    Article.objects.filter(pk=popular.pk).update(status=Article.Status.UNPUBLISHED)
    assert "Paling Dibaca" not in client.get("/").content.decode()


def test_a_page_rendered_afresh_takes_the_shared_sidebar_from_the_cache(
    client, django_assert_num_queries
):
    article = make_article(tags=["Garut"])
    client.get("/", **READER)  # renders and stores the sidebar
    with django_assert_num_queries(8):
        # 1 story with photo and editor, 2 sources, 3 tags, 4 related links, 5 bylines,
        # 6 its views so far, 7 Berita Terkait, 8 its topics (2-8: its markup, made once
        # per version and shared): Terkini and Terpopuler come with the cached sidebar
        # (and a bot's view is not counted).
        response = client.get(article.get_absolute_url(), HTTP_USER_AGENT="Googlebot/2.1")
    assert response["X-Page-Cache"] == "miss"
    assert "Terpopuler" in response.content.decode()


def test_previewing_a_revision_never_puts_its_headline_in_the_readers_sidebar(client, admin_user):
    article = make_article(headline="Judul Yang Terbit")
    revisions.record(article)
    article.headline, article.version = "Judul Rancangan Revisi", 2
    revisions.record(article)  # a revision not (yet) restored: readers still see version 1
    staff = logged_in(admin_user)
    preview = staff.get(reverse("admin:articles_article_revision_preview", args=[article.pk, 2]))
    assert "Judul Rancangan Revisi" in preview.content.decode()
    assert "Judul Rancangan Revisi" not in client.get("/", **READER).content.decode()


def test_home_kanal_blocks_are_shared_until_a_purge(
    client, admin_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    section = make_section(name="Priangan", slug="priangan")
    first = make_article(headline="Kanal Pertama", section=section)

    def blocks():
        html = client.get("/", {"utm_source": "wa"}, **READER).content.decode()  # not a cached page
        return html.split('class="home__blocks"')[1]

    assert "Kanal Pertama" in blocks()
    make_article(headline="Kanal Kedua", section=section)  # no purge: not yet shown
    with django_assert_num_queries(0):  # the lead, the blocks and the sidebar are shared
        assert "Kanal Kedua" not in blocks()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(first, workflow.Action.UNPUBLISH, user=admin_user, note="Data keliru")
    assert "Kanal Pertama" not in blocks()  # a withdrawal purges: gone at once
    assert "Kanal Kedua" in blocks()


def test_a_story_opened_with_a_tracking_tag_is_rendered_once_per_version(
    client, admin_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    article = make_article(headline="Judul Asli", tags=["Persib"], sources=[make_source()])
    url = article.get_absolute_url()
    assert "Judul Asli" in client.get(url, {"fbclid": "a"}, **READER).content.decode()
    with django_assert_num_queries(1):  # the story row only: its markup is shared
        html = client.get(url, {"fbclid": "b"}, **READER).content.decode()
    assert html.count("Judul Asli") >= 2 and ">Persib</a>" in html
    secure = client.get(url, {"fbclid": "b"}, secure=True, **READER).content.decode()
    assert f'"https://testserver{url}"' in secure and "http://testserver" not in secure
    article.refresh_from_db()
    article.headline = "Judul Baru"
    article.note_content_change()
    article.save()  # a new version: rendered afresh even without a purge
    assert "Judul Baru" in client.get(url, {"fbclid": "c"}, **READER).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(article, workflow.Action.UNPUBLISH, user=admin_user, note="Data keliru")
    assert client.get(url, {"fbclid": "d"}, **READER).status_code == 404


def test_a_search_is_ranked_once_between_purges_and_each_page_is_read_afresh(
    client, admin_user, django_assert_num_queries, django_capture_on_commit_callbacks
):
    older = make_article(headline="Banjir di Garut")

    def headlines(**params):
        response = client.get("/cari/", {"q": "banjir", **params}, **READER)
        return [story.headline for story in response.context["stories"]]

    assert headlines() == ["Banjir di Garut"]
    newer = make_article(headline="Banjir di Cianjur")  # no purge: not ranked yet
    with django_assert_num_queries(1):  # the page's stories only: ranking and excerpts are shared
        assert headlines(utm_source="wa") == ["Banjir di Garut"]
    older.headline = "Banjir besar di Garut"
    older.save()  # each page is read afresh, so an edit shows before the purge
    assert headlines() == ["Banjir besar di Garut"]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(older, workflow.Action.UNPUBLISH, user=admin_user, note="Data keliru")
    assert headlines() == [newer.headline]  # the purge: ranked again


@pytest.mark.parametrize(
    "url, subject_queries", [("/tag/persib/", 1), ("/kanal/olahraga/", 0), ("/indeks/", 0)]
)
def test_a_list_pages_cards_are_shared_between_purges(
    client, django_assert_num_queries, django_capture_on_commit_callbacks, url, subject_queries
):
    """Rendered afresh (a tracking parameter skips the page cache), a list page reads
    only its subject: its cards, like the sidebar, wait for the next purge."""
    olahraga = make_section(name="Olahraga", slug="olahraga")
    older = make_article(headline="Persib menang", tags=["Persib"], section=olahraga)

    def headlines(**params):
        response = client.get(url, params, **READER)
        return re.findall(r'class="story-card__headline"[^>]*>([^<]+)<', response.context["cards"])

    assert headlines() == ["Persib menang"]
    newer = make_article(headline="Persib juara", tags=["Persib"], section=olahraga)  # no purge
    with django_assert_num_queries(subject_queries):
        assert headlines(utm_source="wa") == ["Persib menang"]
    with django_capture_on_commit_callbacks(execute=True):
        purge_public_pages()
    assert headlines(utm_source="x") == [newer.headline, older.headline]


def test_todays_indeks_shares_its_cards_by_day(client, monkeypatch):
    make_article(headline="Terbit hari ini")
    assert "Terbit hari ini" in client.get("/indeks/", **READER).content.decode()
    tomorrow = lists.site_today(Site.objects.default()) + timedelta(days=1)
    monkeypatch.setattr(lists, "site_today", lambda site: tomorrow)  # midnight, no purge
    html = client.get("/indeks/", {"utm_source": "wa"}, **READER).content.decode()
    assert "Terbit hari ini" not in html.split('class="layout__side"')[0]
    assert "Tidak ada berita yang terbit pada tanggal ini." in html


def generation_after(action, capture):
    """The cache generation once `action` and its on-commit callbacks have run."""
    before = host_generation("testserver")
    with capture(execute=True):
        action()
    return host_generation("testserver") != before


def test_only_changes_readers_can_see_purge_the_pages(
    admin_user, django_capture_on_commit_callbacks
):
    staff = logged_in(admin_user)
    draft = story(admin_user, Article.Status.DRAFT)
    live = make_article(tags=["Banjir"])
    revisions.record(live)
    make_article(tags=["banjir-lama"])
    purged = lambda action: generation_after(action, django_capture_on_commit_callbacks)  # noqa: E731

    assert not purged(lambda: save(staff, draft, headline="Draf Diubah"))
    assert not purged(lambda: workflow.perform(draft, "submit", user=admin_user))
    assert purged(lambda: save(staff, live, headline="Berita Terbit Diubah"))
    assert purged(lambda: revisions.restore(live, live.revisions.last(), user=admin_user))
    assert purged(lambda: merge_tags(Tag.objects.get(name="Banjir"), list(Tag.objects.all())))
    delete_url = reverse("admin:articles_article_delete", args=[live.pk])
    assert purged(lambda: staff.post(delete_url, {"post": "yes"}))


@pytest.mark.parametrize(
    "admin_name, renamed",
    [
        ("taggit_tag", {"name": "Banjir Bandang", "slug": "banjir"}),
        ("articles_editor", {"name": "Yurri E.", "slug": "yurri", "bio": ""}),
        ("articles_source", {"name": "Reuters Asia", "slug": "reuters", "url": ""}),
    ],
)
def test_a_name_changed_or_deleted_in_the_admin_leaves_no_page_behind(
    client, admin_user, django_capture_on_commit_callbacks, admin_name, renamed
):
    """Story pages and lists show tag, editor and source names: the cache must not
    keep the old name, nor a list page of a deleted one."""
    from articles.models import Editor, Source

    live = make_article(
        tags=["Banjir"], editor=Editor.objects.create(name="Yurri", slug="yurri"),
        sources=[Source.objects.create(name="Reuters", slug="reuters")],
    )  # fmt: skip
    subject = {"taggit_tag": Tag, "articles_editor": Editor, "articles_source": Source}[
        admin_name
    ].objects.get()
    list_url = {"taggit_tag": "/tag/banjir/", "articles_editor": "/editor/yurri/"}.get(admin_name)
    story_url = live.get_absolute_url()
    assert subject.name in client.get(story_url, **READER).content.decode()  # cached now
    staff = logged_in(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse(f"admin:{admin_name}_change", args=[subject.pk]), renamed)
    assert response.status_code == 302
    assert renamed["name"] in client.get(story_url, **READER).content.decode()
    if list_url:
        assert client.get(list_url, **READER).status_code == 200  # cached now
        live.tags.clear() if admin_name == "taggit_tag" else live.delete()
        with django_capture_on_commit_callbacks(execute=True):
            staff.post(reverse(f"admin:{admin_name}_delete", args=[subject.pk]), {"post": "yes"})
        assert client.get(list_url, **READER).status_code == 404


def test_a_kanal_renamed_in_the_admin_shows_on_every_page_at_once(
    client, admin_user, django_capture_on_commit_callbacks
):
    section = make_section(name="Priangan", slug="priangan")
    make_article(section=section)
    for url in ["/", "/kanal/priangan/"]:
        assert ">Priangan</a>" in client.get(url, **READER).content.decode()  # cached now
    editor = logged_in(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("admin:articles_section_change", args=[section.pk]),
            {
                "name": "Priangan Timur",
                "slug": "priangan",
                "position": 0,
                "description": "Baru",
                "sites": [Site.objects.default().pk],
            },
        )
    assert response.status_code == 302
    for url in ["/", "/kanal/priangan/"]:
        html = client.get(url, **READER).content.decode()
        assert ">Priangan Timur</a>" in html and ">Priangan</a>" not in html
    assert "Baru" in client.get("/kanal/priangan/", **READER).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_section(name="Olahraga", slug="olahraga")  # not through the admin
    assert client.get("/kanal/olahraga/", {"x": 1}, **READER).status_code == 200


def test_a_shared_value_is_made_once_while_other_requests_wait_for_it(rf):
    """After a purge, many workers want the same search ranking or story markup at once."""
    made = []

    def make():
        time.sleep(0.3)
        made.append(1)
        return ["the value"]

    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda _: shared_between_purges(rf.get("/"), "x", make), range(4)))
    assert got == [["the value"]] * 4 and len(made) == 1


def test_those_waiting_make_the_value_themselves_when_its_maker_fails(rf):
    making = threading.Event()

    def failing():
        making.set()  # the first request holds the lock from here
        time.sleep(0.2)
        raise RuntimeError("query failed")

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(shared_between_purges, rf.get("/"), "y", failing)
        assert making.wait(5)
        started = time.monotonic()
        second = pool.submit(shared_between_purges, rf.get("/"), "y", lambda: ["made here"])
        assert second.result() == ["made here"]
        assert time.monotonic() - started < 1  # not the whole wait
        with pytest.raises(RuntimeError):
            first.result()
