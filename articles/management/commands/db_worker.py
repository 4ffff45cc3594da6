"""django-tasks-db's `db_worker`, options and all, made to last as a long-running service.

The library's worker exits on the first database error, so a PostgreSQL restart stopped
all background work until someone started it again; this one closes its connections,
waits (1 s, doubling up to LONGEST_WAIT_SECONDS) and goes on. It also queues again, every
TASK_LEASE_SECONDS / 2 (at most a minute), the tasks that a killed worker left RUNNING
(`articles.queue.requeue_abandoned`). It is the command Django runs by this name because
this app comes before django_tasks_db in INSTALLED_APPS.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, connections
from django_tasks_db.management.commands import db_worker

from articles.queue import requeue_abandoned

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
LONGEST_WAIT_SECONDS = 30
LONGEST_REQUEUE_INTERVAL_SECONDS = 60


class Worker(db_worker.Worker):
    def run(self):
        stop = threading.Event()
        requeuer = threading.Thread(
            target=self.requeue_until, args=(stop,), name="requeue", daemon=True
        )
        requeuer.start()
        try:
            self.run_reconnecting()
        finally:
            stop.set()
            requeuer.join()

    def run_reconnecting(self):
        wait = 1
        while self.running:
            started = time.monotonic()
            try:
                return super().run()
            except DATABASE_UNAVAILABLE as error:
                if time.monotonic() - started > LONGEST_WAIT_SECONDS:
                    wait = 1  # it had been working: a new outage, not the same one
                connections.close_all()
                logger.warning(
                    "Database unavailable (%s); the worker tries again in %d s",
                    str(error).strip(), wait,
                )  # fmt: skip
                time.sleep(wait)
                wait = min(2 * wait, LONGEST_WAIT_SECONDS)

    @staticmethod
    def requeue_until(stop):
        """In a thread of its own (and with its own connection), so that it runs while the
        worker waits for work and while it does some."""
        interval = min(settings.TASK_LEASE_SECONDS / 2, LONGEST_REQUEUE_INTERVAL_SECONDS)
        while True:
            try:
                requeue_abandoned()
            except DATABASE_UNAVAILABLE as error:
                logger.warning("Abandoned tasks not checked: %s", str(error).strip())
            except Exception:  # logged, and tried again: the thread must not end unseen
                logger.exception("Abandoned tasks not checked")
            finally:
                connection.close()
            if stop.wait(interval):
                return


class Command(db_worker.Command):
    def handle(self, *args, **options):
        # The library's handle() builds its worker from this module-level name.
        db_worker.Worker = Worker
        super().handle(*args, **options)
