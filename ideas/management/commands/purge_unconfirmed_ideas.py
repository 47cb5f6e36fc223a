from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.periodic import is_waiting
from ideas.tasks import purge_unconfirmed, purge_unconfirmed_ideas


class Command(BaseCommand):
    help = (
        "Delete ideas sent without an account whose e-mail address was not confirmed within "
        "ETAPPE_UNCONFIRMED_RETENTION_DAYS days (with name and address)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="keep unconfirmed ideas this many days instead")
        parser.add_argument("--schedule", action="store_true", help="queue the daily background purge instead")

    def handle(self, *args, days: int | None, schedule: bool, **options) -> None:
        if schedule:
            if not purge_unconfirmed.get_backend().supports_defer:
                raise CommandError("The daily purge needs the database task queue (ETAPPE_TASKS=database).")
            if is_waiting(purge_unconfirmed):
                self.stdout.write("The daily purge is already queued.")
                return
            purge_unconfirmed.enqueue(reschedule=True)
            self.stdout.write("Queued the daily purge; `manage.py db_worker` runs it.")
            return
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        kept = settings.ETAPPE_UNCONFIRMED_RETENTION_DAYS if days is None else days
        deleted = purge_unconfirmed_ideas(days=days)
        self.stdout.write(f"Deleted {deleted} unconfirmed ideas older than {kept} days.")
