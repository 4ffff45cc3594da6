"""Pilihan Editor, Berita Terkait and Topik: what each shows, per site, and their budgets."""

import time
from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from articles.models import EditorPick, Placement, Topic, TopicStory
from tests.factories import make_article, make_related_link, make_section, make_site

pytestmark = pytest.mark.django_db

READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile Safari/537.36"}


def pick(article, *, site=None, section=None, position=0, expires_in=timedelta(hours=1)):
    return EditorPick.objects.create(
        site=site or article.site,
        section=section,
        article=article,
        position=position,
        expires_at=timezone.now() + expires_in,
    )


def picks_block(html):
    if 'id="pilihan-heading"' not in html:
        return ""
    return html.split('id="pilihan-heading"')[1].split("</section>")[0]


# Pilihan Editor ----------------------------------------------------------------


def test_picks_show_in_the_editors_order_on_the_home_page_and_their_kanal(client):
    kanal = make_section(name="Garut", slug="garut")
    first, second, kanal_only = (make_article(headline=f"Pilihan {n}") for n in "ABC")
    pick(second, position=2)
    pick(first, position=1)
    pick(kanal_only, section=kanal)
    home = picks_block(client.get("/").content.decode())
    assert home.index("Pilihan A") < home.index("Pilihan B") and "Pilihan C" not in home
    on_kanal = picks_block(client.get("/kanal/garut/").content.decode())
    assert "Pilihan C" in on_kanal and "Pilihan A" not in on_kanal


def test_picks_expire_on_time(client, monkeypatch):
    story = make_article(headline="Pilihan Sebentar")
    chosen = pick(story, expires_in=timedelta(minutes=10))
    assert "Pilihan Sebentar" in picks_block(client.get("/").content.decode())
    later = chosen.expires_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert picks_block(client.get("/").content.decode()) == ""


def test_a_cached_page_with_a_pick_is_kept_no_longer_than_the_pick(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    story = make_article(headline="Pilihan Dua Detik")
    pick(story, expires_in=timedelta(seconds=2.5))
    assert "Pilihan Dua Detik" in picks_block(client.get("/", **READER).content.decode())
    assert client.get("/", **READER)["X-Page-Cache"] == "hit"
    time.sleep(2.6)
    assert picks_block(client.get("/", **READER).content.decode()) == ""


def test_picks_are_shared_between_purges_yet_expire_on_time(client, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 60
    story = make_article(headline="Pilihan Bersama")
    chosen = pick(story, expires_in=timedelta(minutes=5))
    client.get("/", {"utm_source": "wa"}, **READER)  # makes the shared choice
    later = chosen.expires_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    html = client.get("/", {"utm_source": "x"}, **READER).content.decode()
    assert picks_block(html) == ""


def test_picks_are_per_site_and_only_of_stories_running_there(client):
    other = make_site(domain="zonapapua.localhost")
    story = make_article(headline="Pilihan Priangan")
    pick(story, site=other)  # picked there, not placed there: not shown
    assert (
        "Pilihan Priangan" not in client.get("/", HTTP_HOST="zonapapua.localhost").content.decode()
    )
    assert picks_block(client.get("/").content.decode()) == ""
    Placement.objects.create(
        article=story, site=other, published_at=timezone.now() - timedelta(minutes=1)
    )
    assert "Pilihan Priangan" in picks_block(
        client.get("/", HTTP_HOST="zonapapua.localhost").content.decode()
    )


# Berita Terkait -----------------------------------------------------------------


def terkait(html):
    if 'id="terkait-heading"' not in html:
        return ""
    return html.split('id="terkait-heading"')[1].split("</section>")[0]


def test_terkait_shares_a_tag_newest_first_without_the_story_and_its_baca_juga(client):
    now = timezone.now()
    story = make_article(headline="Berita Utama", tags=["Banjir", "Garut"])
    make_article(headline="Terkait Lama", tags=["Garut"], published_at=now - timedelta(days=2))
    make_article(headline="Terkait Baru", tags=["Banjir"], published_at=now - timedelta(hours=2))
    linked = make_article(headline="Sudah Baca Juga", tags=["Banjir"])
    make_article(headline="Tak Terkait", tags=["Persib"])
    make_article(headline="Terkait Draf", tags=["Banjir"], status="draft", published_at=None)
    make_related_link(story, target=linked, title="Sudah Baca Juga")
    block = terkait(client.get(story.get_absolute_url(), **READER).content.decode())
    assert block.index("Terkait Baru") < block.index("Terkait Lama")
    for absent in ("Berita Utama", "Sudah Baca Juga", "Tak Terkait", "Terkait Draf"):
        assert absent not in block


def test_terkait_lists_only_stories_running_on_the_site(client):
    other = make_site(domain="zonasulawesi.localhost")
    story = make_article(headline="Utama", tags=["Banjir"])
    Placement.objects.create(
        article=story, site=other, published_at=timezone.now() - timedelta(minutes=5)
    )
    make_article(headline="Hanya Di Priangan", tags=["Banjir"])
    html = client.get(story.get_absolute_url(), HTTP_HOST="zonasulawesi.localhost", **READER)
    assert "Hanya Di Priangan" not in html.content.decode()
    assert "Hanya Di Priangan" in terkait(
        client.get(story.get_absolute_url(), **READER).content.decode()
    )


# Topik ----------------------------------------------------------------------------


def make_topic(site, **fields):
    fields.setdefault("title", "Banjir Garut")
    fields.setdefault("slug", "banjir-garut")
    return Topic.objects.create(site=site, **fields)


def test_a_topic_page_shows_its_lead_pinned_stories_first_then_its_tag(client):
    now = timezone.now()
    pinned_old = make_article(headline="Pilihan Lama", published_at=now - timedelta(days=3))
    tagged = make_article(headline="Bertag Baru", tags=["Banjir Garut"])
    make_article(headline="Lain", tags=["Persib"])
    from taggit.models import Tag

    topic = make_topic(
        pinned_old.site,
        lead="Banjir bandang melanda Garut.",
        tag=Tag.objects.get(name="Banjir Garut"),
    )
    TopicStory.objects.create(topic=topic, article=pinned_old, position=1)
    response = client.get("/topik/banjir-garut/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Topik: Banjir Garut - Zona Priangan</title>" in html
    assert "Banjir bandang melanda Garut." in html
    assert [story.headline for story in response.context["stories"]] == [
        "Pilihan Lama",
        "Bertag Baru",
    ]
    assert (
        'type="application/rss+xml" title="Topik: Banjir Garut" href="/topik/banjir-garut/rss/">'
        in html
    )
    story_html = client.get(tagged.get_absolute_url(), **READER).content.decode()
    assert 'Topik: <a href="/topik/banjir-garut/">Banjir Garut</a>' in story_html


def test_a_topic_has_its_own_feed(client):
    story = make_article(headline="Di Topik")
    topic = make_topic(story.site)
    TopicStory.objects.create(topic=topic, article=story)
    feed = feedparser.parse(client.get("/topik/banjir-garut/rss/").content)
    assert feed.feed.title == "Topik Banjir Garut - Zona Priangan"
    assert [entry.title for entry in feed.entries] == ["Di Topik"]


def test_topics_are_per_site(client):
    other = make_site(domain="zonapapua.localhost")
    story = make_article()
    make_topic(other)
    assert client.get("/topik/banjir-garut/").status_code == 404
    assert client.get("/topik/banjir-garut/", HTTP_HOST="zonapapua.localhost").status_code == 200
    assert "Topik:" not in client.get(story.get_absolute_url(), **READER).content.decode()


# Query budgets: constant with 1 and 25 of everything ------------------------------


@pytest.mark.parametrize("count", [1, 25])
def test_home_and_kanal_budgets_with_picks(client, django_assert_num_queries, count):
    kanal = make_section(name="Garut", slug="garut")
    for n in range(count):
        story = make_article(section=kanal)
        pick(story, position=n)
        pick(story, section=kanal, position=n)
    client.get("/")  # the host's site and the navigation are then kept
    with django_assert_num_queries(5):
        # 1 Terkini with the lead, 2 Pilihan Editor, 3 Terpopuler, 4 its fallback,
        # 5 the kanal blocks' stories.
        client.get("/")
    with django_assert_num_queries(5):
        # 1 the page of the kanal's stories, 2 its Pilihan Editor, 3 Terkini,
        # 4 Terpopuler, 5 its fallback.
        client.get("/kanal/garut/")


@pytest.mark.parametrize("count", [1, 25])
def test_topic_page_budget(client, django_assert_num_queries, count):
    from taggit.models import Tag

    stories = [make_article(tags=["Banjir"]) for _ in range(count)]
    topic = make_topic(stories[0].site, tag=Tag.objects.get(name="Banjir"))
    for position, story in enumerate(stories):
        TopicStory.objects.create(topic=topic, article=story, position=position)
    client.get("/")
    with django_assert_num_queries(5):
        # 1 the topic, 2 its page of stories (pinned or tagged, in one), 3 Terkini,
        # 4 Terpopuler, 5 its fallback.
        client.get("/topik/banjir-garut/")


@pytest.mark.parametrize("count", [1, 25])
def test_story_budget_with_terkait_topics_and_picks(client, django_assert_num_queries, count):
    tags = [f"tag-{n}" for n in range(count)]
    story = make_article(tags=tags)
    for n in range(count):
        other = make_article(tags=[tags[n]])
        make_related_link(story, target=other, position=n)
        topic = make_topic(story.site, title=f"Topik {n}", slug=f"topik-{n}")
        TopicStory.objects.create(topic=topic, article=story)
        pick(other, position=n)
    client.get("/")
    with django_assert_num_queries(11):
        # 1 story with photo, editor, section and its placement here, 2 sources, 3 tags,
        # 4 Baca Juga with targets, 5 bylines with their people, 6 its views so far,
        # 7 Berita Terkait, 8 its topics, 9 Terkini, 10 Terpopuler, 11 the view's upsert.
        client.get(story.get_absolute_url(), **READER)
