"""The periodic sync keeps going: its next run is queued before the work, and only one chain runs."""

from datetime import timedelta
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DATABASE_QUEUE)
class PeriodicSyncTests(TestCase):
    def test_scheduling_twice_queues_one_run(self) -> None:
        from django_tasks_db.models import DBTaskResult

        out = StringIO()
        call_command("exchange_sync", "--schedule", stdout=out)
        call_command("exchange_sync", "--schedule", stdout=out)
        self.assertIn("already queued", out.getvalue())
        self.assertEqual(DBTaskResult.objects.count(), 1)

    def test_a_run_that_dies_in_the_middle_has_already_queued_the_next(self) -> None:
        from django_tasks_db.models import DBTaskResult

        from exchange.tasks import sync_exchange

        with (
            mock.patch("exchange.tasks.sync_peers", side_effect=RuntimeError("worker gone")),
            self.assertRaises(RuntimeError),
        ):
            sync_exchange.call(reschedule=True)
        following = DBTaskResult.objects.get()
        self.assertEqual(following.status, "READY")
        self.assertGreater(following.run_after, timezone.now() + timedelta(minutes=30))
        with mock.patch("exchange.tasks.sync_peers", return_value=[]):
            sync_exchange.call(reschedule=True)  # a run while the next one waits starts no second chain
        self.assertEqual(DBTaskResult.objects.count(), 1)
