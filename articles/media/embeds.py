"""Embeds in a story's body: which URLs are embeds, their rows, their cards, and the task
that fetches what a card shows.

The stored body marks an embed as `<figure data-embed="https://…"></figure>`. On a story's
save the body's embed URLs go to `request_embeds()`, which makes the missing rows and
queues `fetch_embed` for each (after the commit). The task asks the provider's oEmbed
endpoint (the provider registry and URL matching are micawber's; the HTTP is ours, through
`articles.outside`), keeps the title and author, and stores the thumbnail on our own
storage, checked and re-encoded as an uploaded photo is. A fetch that fails leaves a link
card (URL and provider name) and is tried again later; Instagram and Facebook without the
Meta app token (`META_OEMBED_TOKEN`) are link cards until it is set.

Readers get `templates/includes/embed_card.html`, served from our host; the provider's
frame is made by `static/js/embeds.js` only when the reader clicks. Those frames' origins
are `EMBED_FRAME_SOURCES`, for the CSP's `frame-src`: no provider script is ever loaded.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO
from urllib.parse import parse_qs, quote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from micawber.exceptions import ProviderException
from micawber.providers import Provider, ProviderRegistry
from PIL import Image

from .. import outside
from ..models import Embed
from ..queue import enqueue_on_commit
from . import images

logger = logging.getLogger(__name__)

OEMBED_TIMEOUT = 5.0
OEMBED_MAX_BYTES = 256 * 1024
THUMBNAIL_MAX_BYTES = 5 * 2**20
THUMBNAIL_MAX_WIDTH = 1280
# Link cards are tried again after these waits, then left as they are.
RETRY_WAITS = (timedelta(minutes=10), timedelta(hours=1), timedelta(hours=6), timedelta(days=1))
NO_TOKEN = "Token aplikasi Meta (META_OEMBED_TOKEN) belum diatur: tampil sebagai kartu tautan."


@dataclass(frozen=True)
class EmbedProvider:
    name: str
    patterns: tuple  # regular expressions a URL must match from its start
    endpoint: str  # the oEmbed endpoint, HTTPS
    thumbnail_hosts: tuple = ()  # where its thumbnails may be downloaded from
    needs_meta_token: bool = False
    video_endpoint: str = ""  # Facebook: videos have their own endpoint
    frame_origin: str = ""
    params: dict = field(default_factory=dict)


YOUTUBE_ID = r"[A-Za-z0-9_-]{11}"
# What a pasted URL may hold (RFC 3986's characters): no spaces, quotes or angle brackets.
URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]+")
PROVIDERS = {
    "youtube": EmbedProvider(
        name="youtube",
        patterns=(
            rf"https?://(?:www\.|m\.)?youtube\.com/watch\?(?:\S*&)?v={YOUTUBE_ID}",
            rf"https?://(?:www\.|m\.)?youtube\.com/(?:shorts|live|embed)/{YOUTUBE_ID}",
            rf"https?://youtu\.be/{YOUTUBE_ID}",
        ),
        endpoint="https://www.youtube.com/oembed",
        thumbnail_hosts=(".ytimg.com",),
        frame_origin="https://www.youtube-nocookie.com",
    ),
    "x": EmbedProvider(
        name="x",
        patterns=(r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w+/status(?:es)?/\d+",),
        endpoint="https://publish.twitter.com/oembed",
        thumbnail_hosts=(".twimg.com",),
        frame_origin="https://platform.twitter.com",
        params={"omit_script": "1", "dnt": "true"},
    ),
    "instagram": EmbedProvider(
        name="instagram",
        patterns=(r"https?://(?:www\.)?instagram\.com/(?:[\w.]+/)?(?:p|reel|tv)/[\w-]+",),
        endpoint="https://graph.facebook.com/v22.0/instagram_oembed",
        thumbnail_hosts=(".cdninstagram.com", ".fbcdn.net"),
        needs_meta_token=True,
        frame_origin="https://www.instagram.com",
        params={"omitscript": "true"},
    ),
    "tiktok": EmbedProvider(
        name="tiktok",
        patterns=(r"https?://(?:www\.|m\.)?tiktok\.com/@[\w.-]+/(?:video|photo)/\d+",),
        endpoint="https://www.tiktok.com/oembed",
        thumbnail_hosts=(".tiktokcdn.com", ".tiktokcdn-us.com", ".tiktokcdn-eu.com"),
        frame_origin="https://www.tiktok.com",
    ),
    "facebook": EmbedProvider(
        name="facebook",
        patterns=(
            r"https?://(?:www\.|m\.|web\.)?facebook\.com/[\w.-]+/(?:posts|videos|photos)/\S+",
            r"https?://(?:www\.|m\.|web\.)?facebook\.com/(?:permalink|story|photo|video)\.php\?\S+",
            r"https?://(?:www\.|m\.|web\.)?facebook\.com/(?:watch/?\?v=|reel/)\S+",
            r"https?://fb\.watch/[\w-]+",
        ),
        endpoint="https://graph.facebook.com/v22.0/oembed_post",
        video_endpoint="https://graph.facebook.com/v22.0/oembed_video",
        thumbnail_hosts=(".fbcdn.net",),
        needs_meta_token=True,
        frame_origin="https://www.facebook.com",
        params={"omitscript": "true"},
    ),
}
# The origins of the frames a clicked card loads: the CSP's frame-src, and nothing else.
EMBED_FRAME_SOURCES = tuple(provider.frame_origin for provider in PROVIDERS.values())


class UnknownEmbed(ValueError):
    """A URL that is none of the known providers' (YouTube, Instagram, X, TikTok, Facebook)."""


class OEmbedProvider(Provider):
    """micawber's provider, asking through our guarded fetcher instead of urllib."""

    def __init__(self, embed_provider, endpoint, **params):
        super().__init__(endpoint, timeout=OEMBED_TIMEOUT, **params)
        self.embed_provider = embed_provider

    def fetch(self, url):
        response = outside.fetch(
            url,
            allowed_hosts=[urlsplit(self.endpoint).hostname],
            internal_hosts=settings.FETCH_INTERNAL_HOSTS,
            timeout=self.socket_timeout,
            max_bytes=OEMBED_MAX_BYTES,
            accept="application/json",
        )
        try:
            return response.body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise outside.BadResponse(f"{url}: bukan teks UTF-8") from error


def registry():
    """micawber's registry of our five providers (Facebook's videos on their endpoint)."""
    found = ProviderRegistry()
    token = settings.META_OEMBED_TOKEN
    for provider in PROVIDERS.values():
        params = dict(provider.params)
        if provider.needs_meta_token and token:
            params["access_token"] = token
        oembed = OEmbedProvider(provider, provider.endpoint, **params)
        for pattern in provider.patterns:
            found.register(pattern, oembed)
        if provider.video_endpoint:
            video = OEmbedProvider(provider, provider.video_endpoint, **params)
            found.register(r"https?://(?:www\.|m\.|web\.)?facebook\.com/\S+/videos/\S+", video)
            found.register(r"https?://(?:www\.|m\.|web\.)?facebook\.com/(?:watch|reel)\S+", video)
            found.register(r"https?://fb\.watch/\S+", video)
    return found


def embed_provider(url):
    """The provider's name ("youtube", "instagram", "x", "tiktok", "facebook") of an embed
    URL, or None for any other URL."""
    if not isinstance(url, str) or len(url) > 1000 or not URL_CHARACTERS.fullmatch(url):
        return None
    for provider in PROVIDERS.values():
        if any(re.match(pattern, url) for pattern in provider.patterns):
            return provider.name
    return None


def frame_url(url, provider):
    """The provider's frame for the card to load on a click, made from the URL alone ("" if
    none can be made: a link card only)."""
    parts = urlsplit(url)
    if provider == "youtube":
        if parts.hostname == "youtu.be":
            video = parts.path.strip("/")
        elif parts.path == "/watch":
            video = parse_qs(parts.query).get("v", [""])[0]
        else:
            video = parts.path.rstrip("/").rpartition("/")[2]
        if re.fullmatch(YOUTUBE_ID, video):
            return f"https://www.youtube-nocookie.com/embed/{video}?autoplay=1"
    elif provider == "x":
        status = re.search(r"/status(?:es)?/(\d+)", parts.path)
        if status:
            return f"https://platform.twitter.com/embed/Tweet.html?id={status[1]}&dnt=true"
    elif provider == "instagram":
        post = re.search(r"/(p|reel|tv)/([\w-]+)", parts.path)
        if post:
            return f"https://www.instagram.com/{post[1]}/{post[2]}/embed/"
    elif provider == "tiktok":
        video = re.search(r"/(?:video|photo)/(\d+)", parts.path)
        if video:
            return f"https://www.tiktok.com/embed/v2/{video[1]}"
    elif provider == "facebook":
        canonical = url.replace("://m.", "://www.").replace("://web.", "://www.")
        kind = "video" if re.search(r"/videos/|/watch|/reel/|fb\.watch", url) else "post"
        return f"https://www.facebook.com/plugins/{kind}.php?href={quote(canonical, safe='')}"
    return ""


def request_embeds(urls):
    """Make the rows of these embed URLs that are missing and queue their fetch (after the
    commit); queue again the link cards whose retry is due. Called on a story's save.
    Raises UnknownEmbed for a URL that is no known provider's (check with embed_provider)."""
    urls = list(dict.fromkeys(urls))
    unknown = [url for url in urls if embed_provider(url) is None]
    if unknown:
        raise UnknownEmbed(f"Bukan URL YouTube, Instagram, X, TikTok atau Facebook: {unknown}")
    if not urls:
        return []
    existing = set(Embed.objects.filter(url__in=urls).values_list("url", flat=True))
    Embed.objects.bulk_create(
        [_unsaved(url) for url in urls if url not in existing],
        ignore_conflicts=True,  # another save made the same row just now
    )
    now = timezone.now()
    due = Q(status=Embed.Status.PENDING) | Q(status=Embed.Status.LINK, retry_after__lte=now)
    if settings.META_OEMBED_TOKEN:  # set since these were made: fetch them now
        meta = [name for name, provider in PROVIDERS.items() if provider.needs_meta_token]
        due |= Q(status=Embed.Status.LINK, retry_after=None, attempts=0, provider__in=meta)
    queued = list(Embed.objects.filter(due, url__in=urls).values_list("pk", flat=True))
    for pk in queued:
        enqueue_on_commit(fetch_embed, pk)
    return queued


def embed_cards(urls):
    """{url: Embed} for these URLs, in one query; a known provider's URL without a row yet
    (a preview before the save) gets an unsaved pending one, shown as a link card."""
    urls = list(dict.fromkeys(urls))
    cards = {embed.url: embed for embed in Embed.objects.filter(url__in=urls)} if urls else {}
    for url in urls:
        if url not in cards and embed_provider(url):
            cards[url] = _unsaved(url)
    return cards


def _unsaved(url):
    provider = embed_provider(url)
    return Embed(url=url, provider=provider, frame_url=frame_url(url, provider))


@task()
def fetch_embed(embed_id):
    """Fetch one embed's oEmbed data and thumbnail; a failure leaves a link card, retried."""
    embed = Embed.objects.filter(pk=embed_id).first()
    if embed is None or embed.status == Embed.Status.READY:
        return embed and embed.status
    provider = PROVIDERS[embed.provider]
    now = timezone.now()
    if provider.needs_meta_token and not settings.META_OEMBED_TOKEN:
        Embed.objects.filter(pk=embed.pk).update(
            status=Embed.Status.LINK, error=NO_TOKEN, attempts=0, retry_after=None, fetched_at=now
        )
        return Embed.Status.LINK
    try:
        data = registry().request(embed.url)
    except (outside.OutsideError, ProviderException) as error:
        return _failed(embed, error, now)
    embed.title = _text(data.get("title"), 500)
    if embed.title == embed.url:  # micawber's stand-in for a missing title
        embed.title = ""
    embed.author_name = _text(data.get("author_name"), 200)
    embed.error = ""
    thumbnail_url = data.get("thumbnail_url")
    if isinstance(thumbnail_url, str) and thumbnail_url:
        try:
            content = _thumbnail(thumbnail_url, provider)
        except (outside.OutsideError, ValidationError) as error:
            embed.error = f"Gambar kecil tidak diambil: {_message(error)}"
            logger.info("Embed %s: thumbnail %s refused: %s", embed.url, thumbnail_url, error)
        else:
            embed.thumbnail.save(content.name, content, save=False)
    embed.status = Embed.Status.READY
    embed.fetched_at = now
    embed.retry_after = None
    embed.attempts += 1
    embed.save()
    return embed.status


def _thumbnail(url, provider):
    """The thumbnail as a checked, re-encoded (no metadata) image no wider than we show."""
    response = outside.fetch(
        url,
        allowed_hosts=provider.thumbnail_hosts,
        internal_hosts=settings.FETCH_INTERNAL_HOSTS,
        timeout=OEMBED_TIMEOUT,
        max_bytes=THUMBNAIL_MAX_BYTES,
        accept="image/*",
    )
    upload = ContentFile(response.body, name="gambar")
    images.open_photo(upload)  # type, pixels, sides, shape; raises ValidationError
    cleaned, width, height = images.make_master(upload)  # upright, sRGB, no metadata
    if width <= THUMBNAIL_MAX_WIDTH:
        return cleaned
    with Image.open(cleaned) as reencoded:
        height = max(1, round(height * THUMBNAIL_MAX_WIDTH / width))
        smaller = reencoded.resize((THUMBNAIL_MAX_WIDTH, height), Image.Resampling.LANCZOS)
        if smaller.mode not in ("RGB", "L"):
            smaller = smaller.convert("RGB")
    output = BytesIO()
    smaller.save(output, "JPEG", quality=85)
    return ContentFile(output.getvalue(), name="gambar.jpg")


def _failed(embed, error, now):
    """A link card for now; tried again after the next wait, or left after the last one."""
    attempts = embed.attempts + 1
    wait = RETRY_WAITS[attempts - 1] if attempts <= len(RETRY_WAITS) else None
    retry_after = now + wait if wait else None
    logger.warning("Embed %s fetch failed (attempt %d): %s", embed.url, attempts, error)
    Embed.objects.filter(pk=embed.pk).update(
        status=Embed.Status.LINK,
        error=_message(error)[:2000],
        attempts=attempts,
        fetched_at=now,
        retry_after=retry_after,
    )
    if retry_after and fetch_embed.get_backend().supports_defer:
        enqueue_on_commit(fetch_embed.using(run_after=retry_after), embed.pk)
    return Embed.Status.LINK


def _message(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or type(error).__name__


def _text(value, limit):
    return value.strip()[:limit] if isinstance(value, str) else ""
