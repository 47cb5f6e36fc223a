"""A council report whose worker dies does not stay "being built" for ever (issue 14, finding 10).

The first test starts a real `manage.py db_worker` process, lets it take a build that hangs in
the PDF step (at 55 %), kills it with SIGKILL and checks that the report then shows as failed
with a message. The worker is another process, so it must see the test's database: that works
on PostgreSQL (the CI pass) and on a SQLite test database in a file, not on the in-memory SQLite
database Django's test runner uses by default, where the test is skipped.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Role
from installation.testing import make_user
from reports.models import CouncilReport
from reports.tasks import LOST_MESSAGE, build_report, fail_stale_reports

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LEASE = 2

WORKER = f"""
import time
from unittest import mock

import django

django.setup()
from django.core.management import call_command
from django.test.utils import override_settings

with (
    override_settings(TASKS={DATABASE_QUEUE!r}, ETAPPE_TASK_LEASE_SECONDS={LEASE}),
    mock.patch("reports.services.render_pdf", side_effect=lambda content: time.sleep(600)),
):
    call_command("db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.1", verbosity=0)
"""


def database_url() -> str | None:
    """The URL of the test database for another process, or None when it cannot reach it."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        return f"sqlite:///{db['NAME']}"
    return None


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


class KilledWorkerTests(TransactionTestCase):
    def setUp(self) -> None:
        if database_url() is None:  # decided here: only now is the test database set up
            self.skipTest("a worker process cannot see the in-memory SQLite test database; runs on PostgreSQL")

    def test_a_report_whose_worker_was_killed_ends_failed_with_a_message(self) -> None:
        from django_tasks_db.models import DBTaskResult

        report = CouncilReport.objects.create(
            title="Sachstand", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30), language="en"
        )
        with override_settings(TASKS=DATABASE_QUEUE):
            build_report.enqueue(report.pk)
        env = {**os.environ, "DATABASE_URL": database_url(), "ETAPPE_ENV": "test"}
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", WORKER], cwd=settings.BASE_DIR, env=env, start_new_session=True
        )
        try:
            self.assertTrue(
                wait_for(lambda: CouncilReport.objects.get(pk=report.pk).progress == 55),
                "the worker never reached 55 %",
            )
            with override_settings(ETAPPE_TASK_LEASE_SECONDS=LEASE):
                time.sleep(LEASE * 1.5)  # longer than the lease: only the heartbeat keeps it
                self.assertEqual(fail_stale_reports(), 0)
                self.assertEqual(CouncilReport.objects.get(pk=report.pk).state, "running")
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)

        self.assertEqual(CouncilReport.objects.get(pk=report.pk).state, "running")  # what was left behind
        time.sleep(LEASE + 0.5)
        user = make_user(role=Role.STAFF)
        # force_login has no client address, which django-axes cannot record on PostgreSQL.
        with mock.patch("axes.signals.AxesProxyHandler.user_logged_in"):
            self.client.force_login(user)
        with override_settings(ETAPPE_TASK_LEASE_SECONDS=LEASE):
            page = self.client.get(reverse("reports:detail", args=[report.pk]), headers={"accept-language": "en"})
        self.assertContains(page, "background worker building this report was interrupted")
        report.refresh_from_db()
        self.assertEqual((report.state, report.progress), ("failed", 100))
        task_row = DBTaskResult.objects.get()
        self.assertEqual((task_row.status, task_row.exception_class_path), ("FAILED", "reports.tasks.WorkerLost"))


@override_settings(ETAPPE_TASK_LEASE_SECONDS=60)
class LeaseTests(TestCase):
    def make(self, **fields) -> CouncilReport:
        return CouncilReport.objects.create(
            title="Sachstand", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30), **fields
        )

    def test_only_running_reports_past_their_lease_are_failed(self) -> None:
        now = timezone.now()
        lost = self.make(state="running", progress=55, language="de")
        CouncilReport.objects.filter(pk=lost.pk).update(heartbeat_at=now - timedelta(seconds=61))
        alive = self.make(state="running", progress=35)
        waiting = self.make()
        self.assertEqual(fail_stale_reports(), 1)
        lost.refresh_from_db()
        self.assertEqual(lost.state, "failed")
        with translation.override("de"):
            self.assertEqual(lost.message, gettext(LOST_MESSAGE))  # in the language of the report
        self.assertEqual(CouncilReport.objects.get(pk=alive.pk).state, "running")
        self.assertEqual(CouncilReport.objects.get(pk=waiting.pk).state, "queued")

    def test_progress_steps_stamp_the_heartbeat(self) -> None:
        report = self.make(state="running")
        CouncilReport.objects.filter(pk=report.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        report.refresh_from_db()
        self.assertTrue(report.is_stale)
        report.progress = 35
        report.save(update_fields=["progress"])
        report.refresh_from_db()
        self.assertFalse(report.is_stale)

    def test_the_report_list_shows_a_lost_build_as_failed(self) -> None:
        lost = self.make(state="running", progress=55)
        CouncilReport.objects.filter(pk=lost.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
        with mock.patch("axes.signals.AxesProxyHandler.user_logged_in"):
            self.client.force_login(make_user(role=Role.STAFF))
        self.client.get(reverse("reports:list"))
        self.assertEqual(CouncilReport.objects.get(pk=lost.pk).state, "failed")
