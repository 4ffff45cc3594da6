"""Live reports: updates newest first, LiveBlogPosting JSON-LD, the polled JSON, purges."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.editorial import live
from tests.factories import make_article

pytestmark = pytest.mark.django_db

READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/130 Mobile Safari/537.36"}


def live_story(updates=3, **fields):
    story = make_article(headline="Laporan Langsung Banjir Garut", is_live=True, **fields)
    start = timezone.now() - timedelta(hours=1)
    for number in range(updates):
        live.add_update(
            story,
            title=f"Pembaruan {number}" if number % 2 == 0 else "",
            text=f"Isi pembaruan nomor {number}.\n\nParagraf kedua {number}.",
            at=start + timedelta(minutes=number),
        )
    return story


def json_ld(html):
    return json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])


def test_updates_show_newest_first(client):
    story = live_story()
    html = client.get(story.get_absolute_url(), **READER).content.decode()
    assert html.index("nomor 2") < html.index("nomor 1") < html.index("nomor 0")
    assert '<span class="live__badge">Langsung</span>' in html
    assert '<script src="/static/js/live.js" defer></script>' in html


def test_live_blog_posting_json_ld_parses_with_every_update(client):
    story = live_story(updates=4)
    data = json_ld(client.get(story.get_absolute_url(), **READER).content.decode())
    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"] == data["datePublished"]
    updates = data["liveBlogUpdate"]
    assert [update["articleBody"].split(".")[0] for update in updates] == [
        f"Isi pembaruan nomor {n}" for n in (3, 2, 1, 0)
    ]
    assert all(update["@type"] == "BlogPosting" and update["headline"] for update in updates)
    assert updates[1]["headline"] == "Pembaruan 2"
    assert data["dateModified"] == updates[0]["datePublished"]


def test_a_story_not_live_is_a_news_article_without_live_json(client):
    story = make_article()
    assert json_ld(client.get(story.get_absolute_url(), **READER).content.decode())["@type"] == (
        "NewsArticle"
    )
    assert client.get(story.get_absolute_url() + "live.json").status_code == 404


def test_the_live_json_lists_every_update_newest_first(client):
    story = live_story(updates=2)
    data = client.get(story.get_absolute_url() + "live.json").json()
    assert [update["title"] for update in data["updates"]] == ["", "Pembaruan 0"]
    first = data["updates"][0]
    assert first["paragraphs"] == ["Isi pembaruan nomor 1.", "Paragraf kedua 1."]
    assert first["time"].endswith("WIB") and "T" in first["at"]


def test_adding_an_update_purges_the_cached_page_and_json(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    story = live_story(updates=1)
    url = story.get_absolute_url()
    client.get(url, **READER)
    client.get(url + "live.json", **READER)
    assert client.get(url + "live.json", **READER)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        live.add_update(story, text="Air mulai surut.")
    assert "Air mulai surut." in client.get(url, **READER).content.decode()
    assert client.get(url + "live.json", **READER).json()["updates"][0]["paragraphs"] == [
        "Air mulai surut."
    ]


def test_an_update_needs_text():
    story = live_story(updates=0)
    with pytest.raises(ValidationError):
        live.add_update(story, text="")


def test_a_withdrawn_live_story_has_no_json(client):
    story = live_story(updates=1)
    story.status = "unpublished"
    story.save()
    assert client.get(story.get_absolute_url() + "live.json").status_code == 404


@pytest.mark.parametrize("count", [1, 25])
def test_live_story_and_json_budgets(client, django_assert_num_queries, count):
    story = live_story(updates=count, tags=["Banjir"])
    client.get("/")
    with django_assert_num_queries(12):
        # 1 story with photo, editor, section and its placement here, 2 sources, 3 tags,
        # 4 Baca Juga, 5 bylines with their people, 6 the live updates, 7 its views so far,
        # 8 Berita Terkait, 9 its topics, 10 Terkini, 11 Terpopuler, 12 the view's upsert.
        client.get(story.get_absolute_url(), **READER)
    with django_assert_num_queries(2):
        # 1 the story (published here, live), 2 its updates.
        client.get(story.get_absolute_url() + "live.json")
