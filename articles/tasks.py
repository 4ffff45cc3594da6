"""The old home of the tasks, kept for one release only: remove it in the release after
the one that moved them.

Each task now lives beside the work it does. A queued or deferred task is stored by
its path (django-tasks-db's `task_path`, the task function's module and name), and a
worker finds it again with `import_string(task_path)`: the tasks queued before the
deploy name `articles.tasks.<name>` (a deferred edge purge may wait hours, a retry up
to minutes), so this module names each of them. Tasks enqueued from now on store their
new path.
"""

from articles.delivery.edge import purge_edge
from articles.delivery.readership import flush_buffered_views
from articles.editorial.notes import email_notification
from articles.media.renditions import make_photo_renditions

__all__ = ["email_notification", "flush_buffered_views", "make_photo_renditions", "purge_edge"]
