from django.core.management.base import BaseCommand, CommandError, CommandParser

from exchange.services import ExchangeError, peer_add
from exchange.sync import sync_peers


class Command(BaseCommand):
    help = "Follow another Etappe installation: add its address to the peers and fetch its feed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="address of the installation, e.g. https://etappe.nachbarstadt.de")
        parser.add_argument("--no-sync", action="store_true", help="only add it; the next sync fetches it")

    def handle(self, *args, url: str, no_sync: bool, **options) -> None:
        try:
            peer = peer_add(url=url, by=None)
        except ExchangeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Added {peer.url}")
        if not no_sync:
            outcome = sync_peers([peer])[0]
            peer.refresh_from_db()
            if not outcome.ok:
                raise CommandError(f"Added, but the first sync failed: {outcome.error}")
            self.stdout.write(f"{peer.name or peer.url}: {outcome.stored} items received")
