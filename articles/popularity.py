"""Reading counts and the Terkini / Terpopuler lists.

A reader's view counts once per client (address and browser) per story per
VIEW_DEDUPE_SECONDS, and never for bots. With Redis as the cache, a counted view
is one Redis round trip (de-duplication and HINCRBY in one script), not a
database write on the reader's request: every VIEW_FLUSH_SECONDS the first
request to find the flush due moves all buffered views into `DailyViews` in one
transaction (`manage.py flush_views` does the same from cron or a deploy).
Without Redis each view is one atomic upsert in the database. While Redis is
failing no reader's view counts: without its de-duplication marks every request
would count (anyone could lift a story up Terpopuler), so an outage costs its
minutes of counts instead, and says so in the log. No buffered count is dropped
silently: a failed flush keeps its batch in Redis for the next one, and a batch
is applied exactly once.
"""

import hashlib
import logging
import re
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis.exceptions import LockError, RedisError, ResponseError

from newsroom.security import client_address

from .models import Article, DailyViews, ViewBatch

logger = logging.getLogger(__name__)

# Crawlers, link previewers and scripted clients: their hits are not readers.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|embedly|preview|monitor|curl|wget|"
    r"python-requests|python-urllib|httpx|go-http-client|java/|libwww|scrapy|headlesschrome",
    re.IGNORECASE,
)

PENDING = "views:pending"  # hash "story id:YYYY-MM-DD" -> views not yet in the database
FLUSHING = "views:flushing"  # the batch being written; kept until it is in the database
BATCH_FIELD = "batch"  # the FLUSHING field naming the batch, so it is applied only once
FLUSH_DUE = "views:flush-due"
FLUSH_LOCK = "views:flush-lock"


def is_countable(request, method="GET"):
    """Whether this request is a reader's view: not a bot, not a prefetch, not staff.
    (A page view is a GET; a browser's beacon for a page the edge served, a POST.)"""
    user_agent = request.headers.get("User-Agent", "")
    if not user_agent or BOT_USER_AGENT.search(user_agent):
        return False
    if request.method != method or request.headers.get("Sec-Purpose", "").startswith("prefetch"):
        return False
    user = getattr(request, "user", None)  # absent on pages served from the page cache
    return not (user and user.is_staff)


def reader_fingerprint(request):
    """Who is reading, as far as a count needs to know: address and browser, hashed."""
    reader = f"{client_address(request)}|{request.headers.get('User-Agent', '')}"
    return hashlib.blake2b(reader.encode(), digest_size=12).hexdigest()


def count_view(request, article_id, *, method="GET"):
    """Record a reader's view of a story, unless it is a bot or a repeat."""
    if is_countable(request, method):
        record_view(article_id, reader=reader_fingerprint(request))


def redis_client():
    """The Redis connection behind the default cache, or None when the cache is not Redis."""
    if isinstance(caches["default"], RedisCache):
        return get_redis_connection("default")
    return None


def redis_key(name):
    return caches["default"].make_key(name)


# One round trip: skip a repeat, add the view to the pending hash, say if a flush is due.
BUFFER_VIEW = """
if KEYS[1] ~= "" and not redis.call("SET", KEYS[1], 1, "NX", "EX", ARGV[1]) then
  return -1
end
redis.call("HINCRBY", KEYS[2], ARGV[2], 1)
if redis.call("SET", KEYS[3], 1, "NX", "EX", ARGV[3]) then return 1 end
return 0
"""
FLUSH_NOW = 1


def record_view(article_id, *, day=None, reader=None):
    """Add one view of the story on `day` (today in Asia/Jakarta).

    With `reader`, only that reader's first view in VIEW_DEDUPE_SECONDS counts; while
    Redis is failing, none does (repeats cannot be told apart then).
    """
    day = day or timezone.localdate()
    seen = f"seen:{article_id}:{reader}" if reader else None
    client = redis_client()
    if client is not None:
        try:
            outcome = client.register_script(BUFFER_VIEW)(
                keys=[redis_key(seen) if seen else "", redis_key(PENDING), redis_key(FLUSH_DUE)],
                args=[
                    settings.VIEW_DEDUPE_SECONDS,
                    f"{article_id}:{day.isoformat()}",
                    max(1, settings.VIEW_FLUSH_SECONDS),
                ],
            )
        except RedisError:
            if seen is not None:
                logger.warning("Redis unavailable: view of story %s not counted", article_id)
                return
            logger.warning(
                "Redis unavailable: view of story %s written to the database", article_id
            )
        else:
            if outcome == FLUSH_NOW:
                from .tasks import flush_buffered_views  # tasks build on this module

                flush_buffered_views.enqueue()
            return
    if seen is None or cache.add(seen, 1, settings.VIEW_DEDUPE_SECONDS) is not False:
        add_views({(article_id, day): 1})


def add_views(counts):
    """Add `{(story id, day): views}` to DailyViews in one statement per row, atomically.

    `INSERT ... ON CONFLICT DO UPDATE SET views = views + n` is atomic on both
    PostgreSQL and SQLite, so concurrent writers never lose an increment. Rows go
    in a fixed order so that two batches cannot deadlock.
    """
    table = connection.ops.quote_name(DailyViews._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (article_id, day, views) VALUES (%s, %s, %s) "
            f"ON CONFLICT (article_id, day) DO UPDATE SET views = {table}.views + EXCLUDED.views",
            [(article_id, day, views) for (article_id, day), views in sorted(counts.items())],
        )


def flush_views():
    """Move the views buffered in Redis into the database; returns how many were moved.

    One flusher at a time (a Redis lock). The pending hash is renamed to a batch
    with its own id; the batch id is stored with the counts in one transaction, so
    a batch whose deletion from Redis failed is not counted twice. On any error the
    batch stays in Redis and the next flush retries it.
    """
    client = redis_client()
    if client is None:
        return 0
    lock = client.lock(redis_key(FLUSH_LOCK), timeout=60, blocking=False)
    try:
        if not lock.acquire():
            return 0
        try:
            return _flush_batch(client)
        finally:
            lock.release()
    except (RedisError, LockError, DatabaseError):
        logger.exception("Buffered views not flushed; they stay in Redis for the next flush")
        return 0


def _flush_batch(client):
    flushing = redis_key(FLUSHING)
    if not client.exists(flushing):  # else it is a batch that a failed flush left behind
        try:
            client.rename(redis_key(PENDING), flushing)
        except ResponseError:  # no such key: nothing is pending
            return 0
    client.hsetnx(flushing, BATCH_FIELD, uuid.uuid4().hex)
    fields = client.hgetall(flushing)
    batch = fields.pop(BATCH_FIELD.encode()).decode()
    counts = {}
    for field, views in fields.items():
        article_id, day = field.decode().split(":")
        counts[int(article_id), date.fromisoformat(day)] = int(views)
    with transaction.atomic():
        _, new = ViewBatch.objects.get_or_create(batch=batch)
        if new:
            stories = {pk for pk, _ in counts}
            existing = set(Article.objects.filter(pk__in=stories).values_list("pk", flat=True))
            if stories - existing:
                logger.info("Views of deleted stories dropped: %s", sorted(stories - existing))
            add_views({key: views for key, views in counts.items() if key[0] in existing})
            ViewBatch.objects.filter(flushed_at__lt=timezone.now() - timedelta(days=1)).delete()
    client.delete(flushing)
    return sum(counts.values()) if new else 0


def terkini(site, limit=None):
    """The latest stories published on `site`, newest first."""
    stories = Article.objects.latest_published(site).for_lists()
    return list(stories[: limit or settings.TERKINI_COUNT])


def terpopuler(site, limit=None):
    """The most read stories on `site` over the configured window; the latest ones
    before any views.

    The ranking (story ids) is recomputed at most every POPULAR_REFRESH_SECONDS and
    shared through the cache; the stories themselves are read fresh, so a withdrawn
    story leaves the list at once.
    """
    limit = limit or settings.TERPOPULER_COUNT
    key = f"terpopuler:{site.pk}:{settings.POPULAR_WINDOW_DAYS}:{limit}"
    ranking = cache.get(key)
    stories = Article.objects.published(site).for_lists()
    if ranking is None:
        popular = list(stories.popular(site, days=settings.POPULAR_WINDOW_DAYS, limit=limit))
        cache.set(key, [story.pk for story in popular], settings.POPULAR_REFRESH_SECONDS)
    else:
        popular = stories.in_order(ranking)
    return popular or terkini(site, limit)
