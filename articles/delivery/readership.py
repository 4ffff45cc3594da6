"""Counting a reader's view, below the page cache (which counts the views it serves),
and moving buffered views into the database (`flush_buffered_views`, the task beside
it). The Terkini / Terpopuler lists that rank by them are `readers.lists`.

A reader's view counts once per client (address and browser) per story per
VIEW_DEDUPE_SECONDS, and never for bots. One address counts at most
VIEW_LIMIT_PER_STORY views of a story in that window, and VIEW_LIMIT_PER_HOUR
views in all, whatever browsers it names: otherwise one machine rotating its
User-Agent could put any story on Terpopuler. (An IPv6 subscriber's /64 is one
address; readers behind one carrier NAT address are undercounted past the limits.)
With Redis as the cache, a counted view is one Redis round trip (limits,
de-duplication and HINCRBY in one script), not a database write on the reader's
request: every VIEW_FLUSH_SECONDS the first request to find the flush due moves
all buffered views into `DailyViews` in one transaction (`manage.py flush_views`
does the same from cron or a deploy).
Without Redis (development) each view is one atomic upsert in the database.
While Redis is failing no reader's view counts: without its marks and limits
every request would count (anyone could lift a story up Terpopuler), so an
outage costs its minutes of counts instead, and says so in the log. No buffered
count is dropped silently: a failed flush keeps its batch in Redis for the next
one, and a batch is applied exactly once.
"""

import hashlib
import logging
import re
import uuid
from datetime import date, timedelta
from ipaddress import ip_network
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from django_tasks import task
from redis.exceptions import LockError, RedisError, ResponseError

from newsroom.security import client_address, parsed_address

from ..models import Article, DailyViews, ViewBatch

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


HOUR_SECONDS = 3600


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


class Reader(NamedTuple):
    """Who is reading, as far as a count needs to know."""

    browser: str  # address and User-Agent, hashed: one view per story per window
    address: str  # what the limits are counted by (`limited_address`)


def reader_of(request):
    address = client_address(request) or ""
    browser = f"{address}|{request.headers.get('User-Agent', '')}"
    return Reader(
        browser=hashlib.blake2b(browser.encode(), digest_size=12).hexdigest(),
        address=limited_address(address),
    )


def limited_address(address):
    """An IPv4 address, or an IPv6 address's /64: one subscriber's network, within which
    they may pick any address they like."""
    parsed = parsed_address(address)
    if parsed is not None and parsed.version == 6:
        return str(ip_network(f"{parsed}/64", strict=False))
    return str(parsed or address)


def view_limits(reader, article_id):
    """(key, most views, seconds) of the counters limiting `reader`'s views: of this
    story per VIEW_DEDUPE_SECONDS, and in all per hour."""
    return [
        (
            f"views:limit:{reader.address}:{article_id}",
            settings.VIEW_LIMIT_PER_STORY,
            settings.VIEW_DEDUPE_SECONDS,
        ),
        (f"views:limit:{reader.address}", settings.VIEW_LIMIT_PER_HOUR, HOUR_SECONDS),
    ]


def count_view(request, article_id, *, method="GET"):
    """Record a reader's view of a story, unless it is a bot, a repeat or over a limit."""
    if is_countable(request, method):
        record_view(article_id, reader=reader_of(request))


def redis_client():
    """The Redis connection behind the default cache, or None when the cache is not Redis."""
    if isinstance(caches["default"], RedisCache):
        return get_redis_connection("default")
    return None


def redis_key(name):
    return caches["default"].make_key(name)


# One round trip: skip a view over a limit or a repeat, count it against the limits, add
# it to the pending hash, say if a flush is due. KEYS: seen ("" for no reader), pending,
# flush due, then the limits' counters; ARGV: dedupe seconds, field, flush seconds, then
# each counter's most views and seconds. Nothing is written for a view not counted.
BUFFER_VIEW = """
if KEYS[1] ~= "" then
  for i = 4, #KEYS do
    if tonumber(redis.call("GET", KEYS[i]) or "0") >= tonumber(ARGV[2 * i - 4]) then
      return -1
    end
  end
  if not redis.call("SET", KEYS[1], 1, "NX", "EX", ARGV[1]) then return -1 end
  for i = 4, #KEYS do
    if redis.call("INCR", KEYS[i]) == 1 then redis.call("EXPIRE", KEYS[i], ARGV[2 * i - 3]) end
  end
end
redis.call("HINCRBY", KEYS[2], ARGV[2], 1)
if redis.call("SET", KEYS[3], 1, "NX", "EX", ARGV[3]) then return 1 end
return 0
"""


FLUSH_NOW = 1


def record_view(article_id, *, day=None, reader=None):
    """Add one view of the story on `day` (today in Asia/Jakarta).

    With a `Reader`, only that reader's first view in VIEW_DEDUPE_SECONDS counts, and
    only within its address's limits (`view_limits`). While Redis is failing, none
    does (repeats cannot be told apart then).
    """
    day = day or timezone.localdate()
    seen = f"seen:{article_id}:{reader.browser}" if reader else None
    limits = view_limits(reader, article_id) if reader else []
    client = redis_client()
    if client is None:
        if seen is None or _admitted_by_cache(seen, limits):
            add_views({(article_id, day): 1})
        return
    try:
        outcome = client.register_script(BUFFER_VIEW)(
            keys=[
                redis_key(seen) if seen else "",
                redis_key(PENDING),
                redis_key(FLUSH_DUE),
                *(redis_key(key) for key, _, _ in limits),
            ],
            args=[
                settings.VIEW_DEDUPE_SECONDS,
                f"{article_id}:{day.isoformat()}",
                max(1, settings.VIEW_FLUSH_SECONDS),
                *(number for _, most, seconds in limits for number in (most, seconds)),
            ],
        )
    except RedisError:
        if reader is not None:
            logger.warning("Redis unavailable: view of story %s not counted", article_id)
            return
        logger.warning("Redis unavailable: view of story %s written to the database", article_id)
        add_views({(article_id, day): 1})
        return
    if outcome == FLUSH_NOW:
        flush_buffered_views.enqueue()


def _admitted_by_cache(seen, limits):
    """`BUFFER_VIEW`'s rules on a cache that is not Redis (development: one process)."""
    counts = cache.get_many([key for key, _, _ in limits])
    if any(counts.get(key, 0) >= most for key, most, _ in limits):
        return False
    if not cache.add(seen, 1, settings.VIEW_DEDUPE_SECONDS):
        return False
    for key, _, seconds in limits:
        if not cache.add(key, 1, seconds):
            cache.incr(key)
    return True


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


@task()
def flush_buffered_views():
    """Move the views buffered in Redis into the database (`flush_views`)."""
    return flush_views()
