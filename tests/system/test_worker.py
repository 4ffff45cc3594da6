"""The background worker (`manage.py db_worker`): purges on a queue of their own, tasks of a
killed worker run again, and a worker that outlives a PostgreSQL restart. The process tests
run real workers against a database of their own, and kill them or restart PostgreSQL."""

import json
import logging
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.mail import get_connection
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import queue
from articles.delivery import edge
from articles.media import renditions
from tests.factories import make_photo
from tests.system import test_faults
from tests.system.test_faults import manage, site_env, wait_for

private_postgres = test_faults.private_postgres


def work(*queue_names):
    call_command("db_worker", "--queue-name", ",".join(queue_names), "--batch",
                 "--no-startup-delay", "--no-reload", verbosity=0)  # fmt: skip


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_purges_have_a_queue_of_their_own_that_renditions_never_hold_up(database_queue):
    """Three slow renditions ahead of an editor's withdrawal held its purge up for 101 s."""
    for photo in [make_photo(width=400, height=300) for _ in range(3)]:
        renditions.make_photo_renditions.enqueue(photo.pk)
    purge = edge.purge_edge.enqueue(["site-1"])

    work("edge")

    assert DBTaskResult.objects.get(pk=purge.id).status == "SUCCESSFUL"
    assert set(DBTaskResult.objects.exclude(pk=purge.id).values_list("status", flat=True)) == {
        "READY"
    }
    work("default")
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_tasks_queued_under_their_old_paths_still_run_after_the_deploy(database_queue):
    """A rolling deploy: rows queued by the last release name `articles.tasks.<name>`
    (their task path as stored), rows queued by this one the task's new home; a worker
    of this release runs both."""
    photo = make_photo(width=400, height=300)
    new = [edge.purge_edge.enqueue(["site-1"]), renditions.make_photo_renditions.enqueue(photo.pk)]
    assert [DBTaskResult.objects.get(pk=result.id).task_path for result in new] == [
        "articles.delivery.edge.purge_edge",
        "articles.media.renditions.make_photo_renditions",
    ]
    old = [edge.purge_edge.enqueue(["site-2"]), renditions.make_photo_renditions.enqueue(photo.pk)]
    for result, name in zip(old, ["purge_edge", "make_photo_renditions"], strict=True):
        DBTaskResult.objects.filter(pk=result.id).update(task_path=f"articles.tasks.{name}")

    work("edge", "default")

    rows = DBTaskResult.objects.filter(pk__in=[result.id for result in new + old])
    assert sorted(rows.values_list("task_path", "status")) == [
        ("articles.delivery.edge.purge_edge", "SUCCESSFUL"),
        ("articles.media.renditions.make_photo_renditions", "SUCCESSFUL"),
        ("articles.tasks.make_photo_renditions", "SUCCESSFUL"),
        ("articles.tasks.purge_edge", "SUCCESSFUL"),
    ]


def test_with_no_worker_a_purge_still_runs_at_once():
    """With the immediate backend (`make run`) the edge queue is allowed and runs at once."""
    assert edge.purge_edge.enqueue(["site-1"]).return_value == "purged"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_tasks_left_running_past_their_lease_are_queued_again_then_failed_for_good(
    database_queue, settings, caplog
):
    settings.TASK_LEASE_SECONDS, settings.TASK_ATTEMPTS = 60, 3
    long_ago = timezone.now() - timedelta(seconds=61)
    abandoned, failing, running = (edge.purge_edge.enqueue([f"site-{n}"]) for n in range(3))
    DBTaskResult.objects.filter(pk=abandoned.id).update(
        status="RUNNING", started_at=long_ago, worker_ids=["killed"]
    )
    DBTaskResult.objects.filter(pk=failing.id).update(
        status="RUNNING", started_at=long_ago, worker_ids=["one", "two", "three"]
    )
    DBTaskResult.objects.filter(pk=running.id).update(
        status="RUNNING", started_at=timezone.now() - timedelta(seconds=59), worker_ids=["busy"]
    )

    with caplog.at_level(logging.WARNING, logger="articles.queue"):
        queue.requeue_abandoned()

    status = {str(pk): status for pk, status in DBTaskResult.objects.values_list("pk", "status")}
    assert [status[result.id] for result in (abandoned, failing, running)] == [
        "READY", "FAILED", "RUNNING",
    ]  # fmt: skip
    failed = DBTaskResult.objects.get(pk=failing.id).task_result
    assert failed.errors[0].exception_class is queue.WorkerLost
    assert [record.levelname for record in caplog.records] == ["WARNING", "ERROR"]
    assert "queued again (attempt 2 of 3)" in caplog.records[0].getMessage()
    assert "failed for good: 3 workers stopped" in caplog.records[1].getMessage()

    work("edge")
    done = DBTaskResult.objects.get(pk=abandoned.id)
    assert done.status == "SUCCESSFUL" and len(done.worker_ids) == 2


def test_no_notification_e_mail_holds_a_worker_forever():
    """Django's SMTP backend waits without end by default for a server that never answers."""
    smtp = get_connection("django.core.mail.backends.smtp.EmailBackend")
    assert 0 < smtp.timeout <= 60


class Worker:
    """`manage.py db_worker` in a process of its own, logging to a file."""

    def __init__(self, env, log, *arguments):
        self.log = log
        with open(log, "ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
                 "--interval", "0.2", *arguments],
                cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def output(self):
        return self.log.read_text(errors="replace")[-3000:]

    def kill(self):
        """SIGKILL, as the OOM killer or a lost machine: no chance to mark its task."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def enqueue(env, call):
    """Enqueue `call` (say "purge_edge.enqueue(['site-1'])") from a process of its own, as
    the site would; returns the task's id."""
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c",
         "from articles.delivery.edge import purge_edge; from tests.tasks import *; "
         f"print({call}.id)"],
        cwd=settings.BASE_DIR, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout.strip()


@pytest.fixture
def sqlite_site(tmp_path):
    """The site's settings, its task queue in an SQLite file of its own, and the queue's
    rows by task id: (status, the ids of the workers that started it)."""
    database = tmp_path / "site.sqlite3"
    env = site_env(
        DATABASE_URL=f"sqlite:///{database}", TASK_BACKEND="database",
        MEDIA_ROOT=str(tmp_path / "media"),
    )  # fmt: skip
    manage(env, "migrate", "--noinput")

    def queued(task_id):
        with sqlite3.connect(database) as db:
            status, worker_ids = db.execute(
                "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE id = ?",
                [task_id.replace("-", "")],
            ).fetchone()
        return status, json.loads(worker_ids)

    return env, queued


def status_is(queued, task_id, status):
    return lambda: queued(task_id)[0] == status


@pytest.mark.faults
def test_the_edge_queues_worker_purges_while_the_default_queues_worker_is_busy(
    sqlite_site, tmp_path
):
    env, queued = sqlite_site
    marker = tmp_path / "started"
    slow = enqueue(env, f"sleep_the_first_time.enqueue({str(marker)!r})")
    workers = [Worker(env, tmp_path / "default.log")]
    try:
        wait_for(marker.exists, "the slow task")
        workers.append(Worker(env, tmp_path / "edge.log", "--queue-name", "edge"))
        purge = enqueue(env, "purge_edge.enqueue(['site-1'])")
        wait_for(status_is(queued, purge, "SUCCESSFUL"), "the purge", timeout=10)
        assert queued(slow)[0] == "RUNNING"  # the default queue's worker is still at it
    finally:
        for worker in workers:
            worker.kill()


@pytest.mark.faults
def test_a_task_whose_worker_is_killed_is_run_again_by_another_after_its_lease(
    sqlite_site, tmp_path
):
    env, queued = sqlite_site
    env = {**env, "TASK_LEASE_SECONDS": "3"}
    marker = tmp_path / "started"
    slow = enqueue(env, f"sleep_the_first_time.enqueue({str(marker)!r})")
    workers = [Worker(env, tmp_path / "killed.log")]
    try:
        wait_for(marker.exists, "the slow task")
        workers[0].kill()
        assert queued(slow)[0] == "RUNNING"

        workers.append(Worker(env, tmp_path / "survivor.log"))
        wait_for(status_is(queued, slow, "SUCCESSFUL"), "the task, run again", timeout=20)
        assert len(queued(slow)[1]) == 2  # started by both workers
        assert "queued again (attempt 2 of 3)" in workers[1].output()
    finally:
        for worker in workers:
            worker.kill()


@pytest.mark.faults
def test_the_worker_outlives_a_postgresql_restart(private_postgres, tmp_path):
    """The library's worker exited on the first error while PostgreSQL was away."""
    import psycopg

    def status(task_id):
        with psycopg.connect(private_postgres.url) as db:
            return db.execute(
                "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s", [task_id]
            ).fetchone()[0]

    env = site_env(DATABASE_URL=private_postgres.url, TASK_BACKEND="database")
    manage(env, "migrate", "--noinput")
    worker = Worker(env, tmp_path / "worker.log", "--queue-name", "edge")
    try:
        first = enqueue(env, "purge_edge.enqueue(['site-1'])")
        wait_for(lambda: status(first) == "SUCCESSFUL", "the first purge", timeout=10)

        private_postgres.stop()
        time.sleep(2)  # the worker, polling every 0.2 s, finds the database away
        private_postgres.start()

        after = enqueue(env, "purge_edge.enqueue(['site-2'])")
        wait_for(lambda: status(after) == "SUCCESSFUL", "the purge after the restart", 40)
        assert worker.process.poll() is None and "Database unavailable" in worker.output()
    finally:
        worker.kill()
