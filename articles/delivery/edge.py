"""Purges by tag at the edge cache in front of the app servers, sent from the task
queue (the tags pages carry are `headers`').

A change purges the tags it touches once it commits (`purge.purge_on_commit`),
through the task queue (`purge_edge`, beside the sending it does), so a slow or
absent edge never slows or fails an editor's save; failed purges are retried. Each
purge carries EDGE_PURGE_SECRET.
"""

import logging
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import default_task_backend, task

logger = logging.getLogger(__name__)


PURGE_TIMEOUT_SECONDS = 2


def queue_purge(tags, *, at=None):
    """Purge `tags` at the edge through the task queue, so that the change that asked for
    it does not wait for the edge (`purge_edge`); at the time `at` when
    given and the queue can wait (without, the pages are kept no later than that time
    anyway: `fragments.next_go_live`). Call it once the change is committed
    (`purge.purge_on_commit` does)."""
    if settings.EDGE_PURGE_URLS and tags:
        if at is None:
            purge_edge.enqueue(sorted(set(tags)))
        elif purge_edge.get_backend().supports_defer:
            purge_edge.using(run_after=at).enqueue(sorted(set(tags)))


def send_purge(tags):
    """Purge `tags` on every edge (EDGE_PURGE_URLS); raises `EdgeUnavailable` naming the
    edges that failed, after trying them all."""
    failed = []
    for url in settings.EDGE_PURGE_URLS:
        request = urllib.request.Request(
            url,
            method="PURGE",
            headers={"xkey-purge": " ".join(tags), "Purge-Secret": settings.EDGE_PURGE_SECRET},
        )
        try:
            with urllib.request.urlopen(request, timeout=PURGE_TIMEOUT_SECONDS) as answer:
                answer.read()
        except (OSError, urllib.error.URLError) as error:
            failed.append(f"{url}: {error}")
    if failed:
        raise EdgeUnavailable("; ".join(failed))


class EdgeUnavailable(Exception):
    pass


@task(queue_name="edge")
def purge_edge(tags, attempt=1):
    """Purge `tags` at the edge; on failure try again later, up to EDGE_PURGE_ATTEMPTS times
    with growing waits (2, 4, 8... seconds, at most 5 minutes)."""
    try:
        send_purge(tags)
    except EdgeUnavailable as error:
        if attempt >= settings.EDGE_PURGE_ATTEMPTS or not default_task_backend.supports_defer:
            logger.error(
                "Edge purge of %s failed for good after %d attempt(s): %s; the pages "
                "expire within EDGE_CACHE_SECONDS",
                " ".join(tags), attempt, error,
            )  # fmt: skip
            return "failed"
        wait = min(2**attempt, 300)
        logger.warning(
            "Edge purge of %s failed (%s); attempt %d in %d s", " ".join(tags), error,
            attempt + 1, wait,
        )  # fmt: skip
        purge_edge.using(run_after=timezone.now() + timedelta(seconds=wait)).enqueue(
            tags, attempt + 1
        )
        return "retrying"
    return "purged"
