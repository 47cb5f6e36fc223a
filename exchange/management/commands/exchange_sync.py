import time

from django.core.management.base import BaseCommand, CommandParser

from exchange.models import Peer
from exchange.sync import sync_peers


class Command(BaseCommand):
    help = "Fetch the feeds of the peers (those due after back-off; --all for every active one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="ignore the back-off of failing peers")
        parser.add_argument("--concurrency", type=int, default=None)
        parser.add_argument("--schedule", action="store_true", help="queue the periodic background sync instead")

    def handle(self, *args, all: bool, concurrency: int | None, schedule: bool, **options) -> None:
        if schedule:
            from core.periodic import is_waiting
            from exchange.tasks import sync_exchange

            if is_waiting(sync_exchange):
                self.stdout.write("The periodic sync is already queued.")
                return
            sync_exchange.enqueue(reschedule=True)
            self.stdout.write("Queued the periodic sync; `manage.py db_worker` runs it.")
            return
        peers = list(Peer.objects.filter(active=True)) if all else None
        started = time.perf_counter()
        outcomes = sync_peers(peers, concurrency=concurrency)
        seconds = time.perf_counter() - started
        failed = [o for o in outcomes if not o.ok]
        self.stdout.write(
            f"{len(outcomes)} peers in {seconds:.1f} s: {sum(o.not_modified for o in outcomes)} unchanged, "
            f"{sum(o.stored for o in outcomes)} items stored, {sum(o.withdrawn for o in outcomes)} withdrawn, "
            f"{sum(o.pages for o in outcomes)} pages, {len(failed)} failed"
        )
        for outcome in failed[:20]:
            self.stdout.write(f"  peer {outcome.peer_id}: {outcome.error}")
        if failed:
            raise SystemExit(1)
