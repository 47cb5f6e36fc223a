"""Unconfirmed ideas sent without an account are deleted after ETAPPE_UNCONFIRMED_RETENTION_DAYS (issue 14, finding 19)."""

from datetime import timedelta
from io import StringIO

from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings
from django.utils import timezone

from accounts.tests.test_privacy import rows_containing
from ideas.models import Idea, Moderation
from ideas.services import idea_submit
from ideas.tasks import purge_unconfirmed, purge_unconfirmed_ideas
from installation.testing import make_idea, run_db_worker_once


def unconfirmed(days_ago: float, email: str = "wer@example.org") -> Idea:
    idea = idea_submit(
        idea=Idea(title=f"Unbestätigt {email}", description="Text", author_name="Wer", author_email=email), author=None
    )
    Idea.objects.filter(pk=idea.pk).update(submitted_at=timezone.now() - timedelta(days=days_ago))
    return idea


class PurgeTests(TestCase):
    def test_unconfirmed_ideas_older_than_the_setting_go_with_their_audit_trail(self) -> None:
        old = unconfirmed(8, "alt@example.org")
        young = unconfirmed(6, "jung@example.org")
        confirmed = make_idea(
            author_email="bestaetigt@example.org",
            moderation=Moderation.PENDING,
            submitted_at=timezone.now() - timedelta(days=30),
        )
        self.assertIn("auditlog.LogEntry", rows_containing("alt@example.org"))

        self.assertEqual(purge_unconfirmed.enqueue().return_value, 1)  # the default: 7 days

        self.assertFalse(Idea.objects.filter(pk=old.pk).exists())
        self.assertEqual(rows_containing("alt@example.org"), [])
        self.assertTrue(Idea.objects.filter(pk__in=[young.pk, confirmed.pk]).count() == 2)
        self.assertTrue(LogEntry.objects.filter(object_pk=str(young.pk)).exists())

    @override_settings(ETAPPE_UNCONFIRMED_RETENTION_DAYS=2)
    def test_the_number_of_days_is_a_setting(self) -> None:
        unconfirmed(3)
        self.assertEqual(purge_unconfirmed_ideas(), 1)
        self.assertFalse(Idea.objects.exists())

    def test_the_management_command(self) -> None:
        unconfirmed(8, "a@example.org")
        unconfirmed(4, "b@example.org")
        out = StringIO()
        call_command("purge_unconfirmed_ideas", stdout=out)
        self.assertIn("Deleted 1 unconfirmed ideas older than 7 days", out.getvalue())
        call_command("purge_unconfirmed_ideas", "--days", "3", stdout=out)
        self.assertFalse(Idea.objects.exists())
        with self.assertRaises(CommandError):
            call_command("purge_unconfirmed_ideas", "--days", "-1")
        with self.assertRaisesMessage(CommandError, "database task queue"):
            call_command("purge_unconfirmed_ideas", "--schedule")  # tests run tasks at once, without a queue


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DATABASE_QUEUE)
class PeriodicPurgeTests(TestCase):
    def test_scheduled_once_it_runs_in_the_worker_and_queues_the_next_day(self) -> None:
        from django_tasks_db.models import DBTaskResult

        old = unconfirmed(8)
        out = StringIO()
        call_command("purge_unconfirmed_ideas", "--schedule", stdout=out)
        call_command("purge_unconfirmed_ideas", "--schedule", stdout=out)
        self.assertIn("already queued", out.getvalue())
        self.assertEqual(DBTaskResult.objects.count(), 1)
        run_db_worker_once()
        self.assertFalse(Idea.objects.filter(pk=old.pk).exists())
        done, following = DBTaskResult.objects.order_by("enqueued_at")
        self.assertEqual((done.status, done.return_value), ("SUCCESSFUL", 1))
        self.assertEqual(following.status, "READY")
        self.assertGreater(following.run_after, timezone.now() + timedelta(hours=23))
