"""Background task: build a council report (django.tasks; in production run by `manage.py db_worker`).

A worker can die in the middle of a build (killed, out of memory, machine restarted). The task
holds a lease on its report: every progress step stamps `heartbeat_at`, and while it runs a
heartbeat thread stamps it every quarter of ETAPPE_TASK_LEASE_SECONDS. `fail_stale_reports`
marks reports whose lease ran out as failed, with a message the person sees and the task row of
the dead worker failed too; it runs when a report page is shown and whenever a worker starts
a build. django-tasks-db itself (0.13) has no notion of a lost worker: its row would stay
RUNNING for ever.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection, connections
from django.tasks import TaskContext, task
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from reports.models import CouncilReport, lease
from reports.services import report_build

logger = logging.getLogger(__name__)

# Stored in the language of the report, like every other message of a build.
LOST_MESSAGE = gettext_noop(
    "The build stopped: the background worker building this report was interrupted. Please request the report again."
)


@task(takes_context=True)
def build_report(context: TaskContext, report_id: int) -> str:
    fail_stale_reports()  # a worker that starts on a build also cleans up after one that died
    report = CouncilReport.objects.filter(pk=report_id).first()
    if report is None or report.is_finished:
        return "skipped"  # deleted meanwhile, or already built by an earlier run of the task
    report.task_id = str(context.task_result.id)
    report.save(update_fields=["task_id"])
    with heartbeat(report.pk):
        return report_build(report).state


@contextmanager
def heartbeat(report_id: int) -> Iterator[None]:
    """Stamp the report's lease from a thread while the build runs.

    Not inside a transaction (the immediate backend in a test or a request): the stamp would wait
    for the report row the transaction holds, and such a build has no separate worker to lose.
    """
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()
    interval = max(lease().total_seconds() / 4, 0.05)

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    CouncilReport.objects.filter(pk=report_id, state=CouncilReport.State.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:  # e.g. a locked SQLite file; the next beat tries again
                    logger.warning("heartbeat of council report %s not stamped", report_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=beat, name=f"report-{report_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


def fail_stale_reports() -> int:
    """Mark running reports whose worker has not been heard of within the lease as failed; returns how many."""
    limit = timezone.now() - lease()
    stale = CouncilReport.objects.filter(state=CouncilReport.State.RUNNING).exclude(heartbeat_at__gte=limit)
    failed = 0
    for report in stale.only("pk", "task_id", "language"):
        # Conditional, so a report whose worker stamped meanwhile is left alone.
        changed = (
            CouncilReport.objects.filter(pk=report.pk, state=CouncilReport.State.RUNNING)
            .exclude(heartbeat_at__gte=limit)
            .update(
                state=CouncilReport.State.FAILED,
                message=_lost_message(report.language),
                progress=100,
                finished_at=timezone.now(),
            )
        )
        if changed:
            failed += 1
            logger.error("council report %s lost its worker; marked failed", report.pk)
            _fail_task_row(report.task_id)
    return failed


def _lost_message(language: str) -> str:
    with translation.override(language):
        return gettext(LOST_MESSAGE)


def _fail_task_row(task_id: str) -> None:
    """The database queue's row of the dead worker's task would stay RUNNING for ever; end it as failed."""
    if not task_id:
        return
    try:
        from django_tasks_db.compat import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is always installed
        return
    DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="reports.tasks.WorkerLost",
        traceback="The worker running this task stopped without finishing it (lease expired).",
    )


def fail_interrupted_reports() -> int:
    """After `import_all`: reports that were waiting or being built when exported have no task any more."""
    interrupted = CouncilReport.objects.filter(state__in=[CouncilReport.State.QUEUED, CouncilReport.State.RUNNING])
    count = 0
    for report in interrupted.only("pk", "language"):
        count += CouncilReport.objects.filter(pk=report.pk).update(
            state=CouncilReport.State.FAILED,
            message=_lost_message(report.language),
            progress=100,
            finished_at=timezone.now(),
        )
    return count
