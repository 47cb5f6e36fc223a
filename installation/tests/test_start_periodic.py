"""`manage.py start_periodic` queues every chain once, and a second call adds none."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from installation.management.commands.start_periodic import CHAINS


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
class StartPeriodicTests(TestCase):
    def test_every_chain_is_queued_once(self) -> None:
        from django_tasks_db.models import DBTaskResult

        out = StringIO()
        call_command("start_periodic", stdout=out)
        queued = set(DBTaskResult.objects.values_list("task_path", flat=True))
        self.assertEqual(queued, {task.module_path for task, _ in CHAINS})
        self.assertIn("notifications.tasks.survey_phases", queued)
        call_command("start_periodic", stdout=out)
        self.assertEqual(DBTaskResult.objects.count(), len(CHAINS))
        self.assertEqual(out.getvalue().count("already queued"), len(CHAINS))


class WithoutQueueTests(TestCase):
    def test_refused_without_the_database_queue(self) -> None:
        with self.assertRaisesMessage(CommandError, "ETAPPE_TASKS=database"):
            call_command("start_periodic", stdout=StringIO())
