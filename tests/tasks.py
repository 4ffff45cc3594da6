"""Tasks for the worker tests (tests/test_worker.py) to run in a real worker."""

import time
from pathlib import Path

from django_tasks import task


@task()
def sleep_the_first_time(marker):
    """A minute's sleep the first time it runs (it leaves `marker` then), at once after:
    a task long enough to kill its worker in the middle of it."""
    if Path(marker).exists():
        return "done"
    Path(marker).touch()
    time.sleep(60)
    return "slept"
