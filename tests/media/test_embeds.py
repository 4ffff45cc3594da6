"""Embeds (articles/media/embeds.py): which URLs are embeds, their rows and the fetch task,
against a loopback oEmbed stub allowed by name (FETCH_INTERNAL_HOSTS), as an Admin would
allow an internal host; the card readers get before they click."""

import dataclasses
import re
from datetime import timedelta
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from PIL import Image

from articles.media import embeds
from articles.models import Embed
from tests.outside_stub import bytes_reply, json_reply, status_reply

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
INSTAGRAM = "https://www.instagram.com/p/C1a2b3c4d5e/"
KNOWN = {
    YOUTUBE: "youtube",
    "https://youtu.be/dQw4w9WgXcQ": "youtube",
    "https://www.youtube.com/shorts/abcdefghijk": "youtube",
    "https://x.com/kompascom/status/1790000000000000000": "x",
    "https://twitter.com/kompascom/status/1790000000000000000": "x",
    INSTAGRAM: "instagram",
    "https://www.instagram.com/reel/C1a2b3c4d5e/": "instagram",
    "https://www.tiktok.com/@detikcom/video/7360000000000000000": "tiktok",
    "https://www.facebook.com/detikcom/posts/pfbid02abc": "facebook",
    "https://www.facebook.com/watch/?v=1234567890": "facebook",
}
UNKNOWN = [
    "https://vimeo.com/123456",
    "https://www.youtube.com/",
    "https://youtube.com.evil.test/watch?v=dQw4w9WgXcQ",
    "https://evil.test/?u=https://youtu.be/dQw4w9WgXcQ",
    "javascript:alert(1)//https://youtu.be/dQw4w9WgXcQ",
    "https://youtu.be/dQw4w9WgXcQ\n<script>",
    'https://youtu.be/dQw4w9WgXcQ"><script>',
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&x=<b>",
    "",
    None,
]


@pytest.mark.parametrize(("url", "provider"), KNOWN.items())
def test_known_providers_and_their_frames(url, provider):
    assert embeds.embed_provider(url) == provider
    frame = embeds.frame_url(url, provider)
    assert frame.startswith("https://")
    origin = "https://" + urlsplit(frame).hostname
    assert origin in embeds.EMBED_FRAME_SOURCES


@pytest.mark.parametrize("url", UNKNOWN)
def test_other_urls_are_no_embeds(url):
    assert embeds.embed_provider(url) is None


def test_frame_sources_are_the_five_providers_over_https():
    assert len(embeds.EMBED_FRAME_SOURCES) == 5
    assert all(re.fullmatch(r"https://[a-z.-]+", o) for o in embeds.EMBED_FRAME_SOURCES)


def test_unknown_urls_are_refused_with_a_clear_error(db):
    with pytest.raises(embeds.UnknownEmbed, match="vimeo"):
        embeds.request_embeds([YOUTUBE, "https://vimeo.com/123456"])
    assert not Embed.objects.exists()


def jpeg(width=640, height=360):
    output = BytesIO()
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Kamera Rahasia"  # Make: metadata that must not be stored
    image.save(output, "JPEG", exif=exif)
    return output.getvalue()


@pytest.fixture
def stub_providers(outside_stub, settings, monkeypatch):
    """Every provider's oEmbed endpoint and thumbnail host on the loopback stub, which the
    Admin allowed by name."""
    settings.FETCH_INTERNAL_HOSTS = ["localhost"]
    for name, provider in embeds.PROVIDERS.items():
        endpoint = outside_stub.url(f"/oembed/{name}")
        monkeypatch.setitem(
            embeds.PROVIDERS,
            name,
            dataclasses.replace(
                provider,
                endpoint=endpoint,
                video_endpoint=endpoint if provider.video_endpoint else "",
                thumbnail_hosts=("localhost",),
            ),
        )
    outside_stub.routes["/thumb.jpg"] = bytes_reply(jpeg(), "image/jpeg")
    return outside_stub


def youtube_answer(stub, **changes):
    answer = {
        "type": "video",
        "title": "Banjir Garut <b>hari ini</b>",
        "author_name": "Zona Priangan TV",
        "provider_name": "YouTube",
        "thumbnail_url": stub.url("/thumb.jpg"),
    }
    return {**answer, **changes}


def test_a_saved_embed_is_fetched_and_its_thumbnail_stored(
    db, stub_providers, django_capture_on_commit_callbacks
):
    stub_providers.routes["/oembed/youtube"] = json_reply(youtube_answer(stub_providers))
    with django_capture_on_commit_callbacks(execute=True):
        queued = embeds.request_embeds([YOUTUBE, YOUTUBE])
    assert len(queued) == 1
    embed = Embed.objects.get(url=YOUTUBE)
    assert embed.status == Embed.Status.READY
    assert (embed.title, embed.author_name) == ("Banjir Garut <b>hari ini</b>", "Zona Priangan TV")
    assert embed.fetched_at and not embed.error and embed.attempts == 1
    assert embed.thumbnail.name.startswith("embeds/youtube/")
    assert default_storage.exists(embed.thumbnail.name)
    assert (embed.thumbnail_width, embed.thumbnail_height) == (640, 360)
    with default_storage.open(embed.thumbnail.name) as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert 0x010F not in image.getexif()
    oembed = [path for path in stub_providers.requests if path.startswith("/oembed/")]
    assert len(oembed) == 1
    assert parse_qs(urlsplit(oembed[0]).query)["url"] == [YOUTUBE]
    # Saved again: nothing fetched again.
    with django_capture_on_commit_callbacks(execute=True):
        assert embeds.request_embeds([YOUTUBE]) == []
    assert len(stub_providers.requests) == 2  # the oEmbed answer and the thumbnail


def test_a_large_thumbnail_is_stored_smaller(
    db, stub_providers, django_capture_on_commit_callbacks
):
    stub_providers.routes["/big.jpg"] = bytes_reply(jpeg(2560, 1440), "image/jpeg")
    stub_providers.routes["/oembed/youtube"] = json_reply(
        youtube_answer(stub_providers, thumbnail_url=stub_providers.url("/big.jpg"))
    )
    with django_capture_on_commit_callbacks(execute=True):
        embeds.request_embeds([YOUTUBE])
    embed = Embed.objects.get()
    assert (embed.thumbnail_width, embed.thumbnail_height) == (embeds.THUMBNAIL_MAX_WIDTH, 720)


def test_a_failed_fetch_is_a_link_card_tried_again_later(
    db, stub_providers, django_capture_on_commit_callbacks
):
    stub_providers.routes["/oembed/youtube"] = status_reply(500)
    with django_capture_on_commit_callbacks(execute=True):
        embeds.request_embeds([YOUTUBE])
    embed = Embed.objects.get()
    assert embed.status == Embed.Status.LINK and embed.is_link
    assert "500" in embed.error and embed.attempts == 1
    assert embed.retry_after - embed.fetched_at == embeds.RETRY_WAITS[0]
    # Saved again before the wait is over: not asked again.
    with django_capture_on_commit_callbacks(execute=True):
        assert embeds.request_embeds([YOUTUBE]) == []
    # Once it is over, the next save asks again, and the card gets its data.
    Embed.objects.update(retry_after=timezone.now() - timedelta(seconds=1))
    stub_providers.routes["/oembed/youtube"] = json_reply(youtube_answer(stub_providers))
    with django_capture_on_commit_callbacks(execute=True):
        assert embeds.request_embeds([YOUTUBE]) == [embed.pk]
    embed.refresh_from_db()
    assert embed.status == Embed.Status.READY and embed.error == ""


def test_after_the_last_wait_a_link_card_stays_one(db, stub_providers):
    stub_providers.routes["/oembed/youtube"] = status_reply(503)
    embed = Embed.objects.create(url=YOUTUBE, provider="youtube", attempts=len(embeds.RETRY_WAITS))
    assert embeds.fetch_embed.call(embed.pk) == Embed.Status.LINK
    embed.refresh_from_db()
    assert embed.retry_after is None and embed.attempts == len(embeds.RETRY_WAITS) + 1


def test_the_retry_is_queued_for_later_on_a_worker(
    db, stub_providers, database_queue, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    stub_providers.routes["/oembed/youtube"] = status_reply(500)
    embed = Embed.objects.create(url=YOUTUBE, provider="youtube")
    with django_capture_on_commit_callbacks(execute=True):
        embeds.fetch_embed.call(embed.pk)
    embed.refresh_from_db()
    retry = DBTaskResult.objects.get()
    assert retry.task_path == "articles.media.embeds.fetch_embed"
    assert retry.args_kwargs["args"] == [embed.pk]
    assert retry.run_after == embed.retry_after


def test_the_guard_holds_for_embeds_too(db, stub_providers, settings):
    """Without the Admin's leave, the loopback stub is refused like any internal address."""
    settings.FETCH_INTERNAL_HOSTS = []
    stub_providers.routes["/oembed/youtube"] = json_reply(youtube_answer(stub_providers))
    embed = Embed.objects.create(url=YOUTUBE, provider="youtube")
    assert embeds.fetch_embed.call(embed.pk) == Embed.Status.LINK
    embed.refresh_from_db()
    assert "loopback" in embed.error
    assert stub_providers.requests == []


def test_a_thumbnail_that_is_no_image_is_left_out(db, stub_providers):
    stub_providers.routes["/thumb.jpg"] = bytes_reply(b"<svg onload=alert(1)>", "image/jpeg")
    stub_providers.routes["/oembed/youtube"] = json_reply(youtube_answer(stub_providers))
    embed = Embed.objects.create(url=YOUTUBE, provider="youtube")
    embeds.fetch_embed.call(embed.pk)
    embed.refresh_from_db()
    assert embed.status == Embed.Status.READY and embed.title
    assert not embed.thumbnail
    assert "JPEG, PNG atau WebP" in embed.error


def test_a_thumbnail_from_a_host_not_the_providers_is_refused(db, stub_providers):
    stub_providers.routes["/oembed/youtube"] = json_reply(
        youtube_answer(stub_providers, thumbnail_url="https://169.254.169.254/latest/")
    )
    embed = Embed.objects.create(url=YOUTUBE, provider="youtube")
    embeds.fetch_embed.call(embed.pk)
    embed.refresh_from_db()
    assert embed.status == Embed.Status.READY and not embed.thumbnail
    assert "169.254.169.254" in embed.error


def test_meta_embeds_wait_for_the_token(
    db, stub_providers, settings, django_capture_on_commit_callbacks
):
    settings.META_OEMBED_TOKEN = ""
    thumbnail = stub_providers.url("/thumb.jpg")
    stub_providers.routes["/oembed/instagram"] = json_reply(
        {"title": "Foto", "author_name": "zonapriangan", "thumbnail_url": thumbnail}
    )
    with django_capture_on_commit_callbacks(execute=True):
        embeds.request_embeds([INSTAGRAM])
    embed = Embed.objects.get()
    assert embed.status == Embed.Status.LINK and embed.error == embeds.NO_TOKEN
    assert stub_providers.requests == []
    # Once the token is set, the next save fetches it, sending the token.
    settings.META_OEMBED_TOKEN = "123|abc"
    with django_capture_on_commit_callbacks(execute=True):
        assert embeds.request_embeds([INSTAGRAM]) == [embed.pk]
    embed.refresh_from_db()
    assert embed.status == Embed.Status.READY and embed.author_name == "zonapriangan"
    query = parse_qs(urlsplit(stub_providers.requests[0]).query)
    assert query["access_token"] == ["123|abc"] and query["url"] == [INSTAGRAM]


def test_cards_come_in_one_query(db, django_assert_num_queries):
    Embed.objects.create(url=YOUTUBE, provider="youtube", status=Embed.Status.READY, title="A")
    tiktok = "https://www.tiktok.com/@detikcom/video/7360000000000000000"
    with django_assert_num_queries(1):
        cards = embeds.embed_cards([YOUTUBE, tiktok, "https://vimeo.com/1"])
    assert set(cards) == {YOUTUBE, tiktok}
    assert cards[YOUTUBE].title == "A"
    assert cards[tiktok].pk is None and cards[tiktok].is_link  # not saved yet: a link card
    with django_assert_num_queries(0):
        assert embeds.embed_cards([]) == {}


PROVIDER_HOSTS = re.compile(
    r"youtube(-nocookie)?\.com|youtu\.be|ytimg|twitter\.com|twimg|x\.com|instagram\.com"
    r"|cdninstagram|tiktok(cdn)?\.com|facebook\.(com|net)|fbcdn",
    re.IGNORECASE,
)


def test_the_card_holds_nothing_of_the_providers_before_the_click(db):
    embed = Embed.objects.create(
        url=YOUTUBE,
        provider="youtube",
        frame_url=embeds.frame_url(YOUTUBE, "youtube"),
        status=Embed.Status.READY,
        title='Banjir "Garut" <script>alert(1)</script>',
        author_name="<img src=x onerror=alert(1)>",
    )
    embed.thumbnail.save("t.jpg", embeds.ContentFile(jpeg(), name="t.jpg"), save=True)
    html = render_to_string("includes/embed_card.html", {"embed": embed})
    assert "<iframe" not in html and "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    # The provider appears only as our link out and the frame the click will make.
    sources = re.findall(r'\ssrc="([^"]*)"', html)
    assert sources == [embed.thumbnail.url] and sources[0].startswith("/media/embeds/")
    without_links = re.sub(r'(href|data-embed-frame)="[^"]*"', "", html)
    assert PROVIDER_HOSTS.search(html)
    assert not PROVIDER_HOSTS.search(without_links)
    assert (
        'data-embed-frame="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in html
    )
    assert "Muat konten YouTube" in html
    assert re.search(r"<button[^>]*data-embed-load[^>]*hidden", html)  # shown by the script


def test_a_link_card_names_the_url_and_the_provider(db):
    embed = Embed.objects.create(
        url=INSTAGRAM, provider="instagram", status=Embed.Status.LINK, title="Lama"
    )
    html = render_to_string("includes/embed_card.html", {"embed": embed})
    assert "Instagram" in html and INSTAGRAM in html and "Lama" not in html
    assert "embed--link" in html and "<img" not in html and "<iframe" not in html


@pytest.mark.parametrize("answer", [b"<html>bukan json</html>", b"[1, 2]", b"\xff\xfe"])
def test_an_answer_that_is_no_oembed_object_is_a_link_card(db, stub_providers, answer):
    stub_providers.routes["/oembed/youtube"] = bytes_reply(answer, "application/json")
    embed = Embed.objects.create(url=YOUTUBE, provider="youtube")
    assert embeds.fetch_embed.call(embed.pk) == Embed.Status.LINK
    embed.refresh_from_db()
    assert embed.error and embed.retry_after and not embed.title
