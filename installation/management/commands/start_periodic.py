"""Start every periodic background chain once: one command after installing, none to forget.

Each chain re-queues itself before it works (core/periodic.py), so it runs for as long as a
`db_worker` is running; a chain that is already waiting is left alone, so running this command
again (after every deployment, say) never doubles a chain.
"""

from django.core.management.base import BaseCommand, CommandError
from django.tasks import Task

from core.periodic import is_waiting
from exchange.tasks import sync_exchange
from ideas.tasks import purge_unconfirmed
from notifications.tasks import daily_digest, survey_phases, weekly_digest

CHAINS: list[tuple[Task, str]] = [
    (sync_exchange, "exchange sync (every ETAPPE_EXCHANGE_INTERVAL_MINUTES)"),
    (purge_unconfirmed, "purge of unconfirmed ideas (daily)"),
    (daily_digest, "daily notification digest"),
    (weekly_digest, "weekly notification digest"),
    (survey_phases, "surveys that opened or closed (hourly)"),
]


class Command(BaseCommand):
    help = "Queue every periodic background task that is not queued yet (db_worker runs them)."

    def handle(self, *args, **options) -> None:
        if not sync_exchange.get_backend().supports_defer:
            raise CommandError("Periodic tasks need the database task queue (ETAPPE_TASKS=database).")
        for task, label in CHAINS:
            if is_waiting(task):
                self.stdout.write(f"already queued: {label}")
            else:
                task.enqueue(reschedule=True)
                self.stdout.write(f"queued: {label}")
