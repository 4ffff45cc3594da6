"""The task queue's own plumbing: enqueue on commit, and tasks a killed worker left.

Background work runs on django-tasks (the backport of Django 6.0's task framework);
each task lives beside the work it does (`delivery.edge.purge_edge`,
`delivery.readership.flush_buffered_views`, `editorial.notes.email_notification`,
`media.renditions.make_photo_renditions`), so no module imports back up into a hub.
At the top level beside `network` since every wing that queues work asks it, and it
imports nothing of the project.

With `TASK_BACKEND=database` (django-tasks-db) the queue is a table of the site's own
database, worked by `manage.py db_worker`: no further service to run or back up, and
a task enqueued inside a transaction is only seen once it commits. Without it (as in
`make run`) every task runs at once in the request that enqueued it (after the
transaction commits), so the site works with no worker at all. Each task may run more
than once and leaves the same result: so a task left RUNNING by a worker that was killed
is simply run again (`requeue_abandoned`).
"""

import logging
import traceback
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The task's worker stopped before the task finished, TASK_ATTEMPTS times."""


def requeue_abandoned():
    """Queue again the tasks RUNNING for longer than TASK_LEASE_SECONDS (longer than any task
    takes): their worker was killed (a deploy, the OOM killer, a lost machine), and nothing
    else would ever finish them; a purge among them would be lost. A task started
    TASK_ATTEMPTS times fails for good, logged: one that kills its worker each time must not
    kill every worker in turn. Every worker (`manage.py db_worker`) runs this periodically."""
    now = timezone.now()
    abandoned = DBTaskResult.objects.running().filter(
        started_at__lt=now - timedelta(seconds=settings.TASK_LEASE_SECONDS)
    )
    for result in abandoned:
        # Changed only if still as read: another worker may be doing the same just now.
        unchanged = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        attempts = len(result.worker_ids)
        if attempts < settings.TASK_ATTEMPTS:
            if unchanged.update(status=TaskResultStatus.READY):
                logger.warning(
                    "Task %s (%s) was left running by worker %s since %s; queued again "
                    "(attempt %d of %d)", result.pk, result.task_path, result.worker_ids[-1],
                    result.started_at, attempts + 1, settings.TASK_ATTEMPTS,
                )  # fmt: skip
            continue
        error = WorkerLost(f"{attempts} workers stopped while running it")
        if unchanged.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=f"{__name__}.{WorkerLost.__qualname__}",
            traceback="".join(traceback.format_exception_only(error)),
        ):
            logger.error("Task %s (%s) failed for good: %s", result.pk, result.task_path, error)


def enqueue_on_commit(job, *args):
    """Enqueue once the transaction commits: the work never sees data rolled back after."""
    transaction.on_commit(lambda: job.enqueue(*args))
