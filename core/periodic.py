"""Periodic background tasks: a task that queues its next run before it works.

A periodic task (the exchange sync, the purge of unconfirmed ideas) is a chain: each run queues
the next one in the database queue (django-tasks-db) and `manage.py db_worker` runs it when due.
The next run is queued *before* the work, so a worker killed in the middle, or an error in the
work, does not end the chain; and a chain is started only when no run of the task is waiting,
so `--schedule` twice does not run it twice as often.
"""

from datetime import timedelta

from django.tasks import Task
from django.utils import timezone


def is_waiting(task: Task) -> bool:
    """Whether a run of this task is queued and not yet started (always False without a database queue)."""
    if not task.get_backend().supports_defer:
        return False
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY).exists()


def queue_next_run(task: Task, after: timedelta, **kwargs) -> bool:
    """Queue the task to run once `after` has passed, unless a run is already waiting; True if queued."""
    if not task.get_backend().supports_defer or is_waiting(task):
        return False
    task.using(run_after=timezone.now() + after).enqueue(**kwargs)
    return True
