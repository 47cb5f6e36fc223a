from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.periodic import is_waiting
from notifications.tasks import daily_digest, run_digests, weekly_digest

CHAINS = {"daily": daily_digest, "weekly": weekly_digest}


class Command(BaseCommand):
    help = "Send everyone of this frequency one mail with their notifications not mailed yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--frequency", choices=sorted(CHAINS), required=True)
        parser.add_argument("--schedule", action="store_true", help="queue the periodic background run instead")

    def handle(self, *args, frequency: str, schedule: bool, **options) -> None:
        if schedule:
            task = CHAINS[frequency]
            if not task.get_backend().supports_defer:
                raise CommandError("The periodic digest needs the database task queue (ETAPPE_TASKS=database).")
            if is_waiting(task):
                self.stdout.write(f"The {frequency} digest is already queued.")
                return
            task.enqueue(reschedule=True)
            self.stdout.write(f"Queued the {frequency} digest; `manage.py db_worker` runs it.")
            return
        run = run_digests(frequency)
        self.stdout.write(
            f"Sent {run['mails']} mails with {run['notifications']} notifications to {run['people']} people"
            f" ({run['failed']} failed)."
        )
