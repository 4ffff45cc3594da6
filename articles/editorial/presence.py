"""Who has a story open in the admin, kept in the shared cache for a few minutes."""

import time

from django.core.cache import cache

# An open page says it is still there every HEARTBEAT_SECONDS; a page silent for
# PRESENCE_SECONDS (closed without a goodbye, or offline) no longer counts.
HEARTBEAT_SECONDS = 30
PRESENCE_SECONDS = 90


def _key(article_id):
    return f"article-editing:{article_id}"


def _present(article_id):
    now = time.time()
    entries = cache.get(_key(article_id)) or {}
    return {user_id: entry for user_id, entry in entries.items() if entry["until"] > now}


def mark_open(article_id, user):
    """Note that `user` has the story open; returns the others who have it open too."""
    entries = _present(article_id)
    entries[user.pk] = {
        "name": user.get_full_name() or user.get_username(),
        "until": time.time() + PRESENCE_SECONDS,
    }
    cache.set(_key(article_id), entries, PRESENCE_SECONDS)
    return [entry["name"] for user_id, entry in entries.items() if user_id != user.pk]


def mark_closed(article_id, user):
    entries = _present(article_id)
    if entries.pop(user.pk, None) is not None:
        cache.set(_key(article_id), entries, PRESENCE_SECONDS)
