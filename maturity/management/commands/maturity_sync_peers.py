from django.core.management.base import BaseCommand, CommandParser

from exchange.models import Peer
from maturity.peering import sync_peer_maturity


class Command(BaseCommand):
    help = "Fetch the maturity aggregates other municipalities share (due peers; --all for every active one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="ignore the back-off of failing peers")
        parser.add_argument("--concurrency", type=int, default=None)

    def handle(self, *args, all: bool, concurrency: int | None, **options) -> None:
        peers = list(Peer.objects.filter(active=True)) if all else None
        outcomes = sync_peer_maturity(peers, concurrency=concurrency)
        failed = [o for o in outcomes if not o.ok]
        self.stdout.write(
            f"{len(outcomes)} peers: {sum(o.shared for o in outcomes)} share an aggregate, "
            f"{sum(o.ok and not o.shared for o in outcomes)} share nothing, {len(failed)} failed"
        )
        for outcome in failed[:20]:
            self.stdout.write(f"  peer {outcome.peer_id}: {outcome.error}")
        if failed:
            raise SystemExit(1)
