"""Measure the exchange's sync on this machine: N peers served from loopback, initial sync and re-sync.

Runs against the database in DATABASE_URL; the peers it creates are removed afterwards. The
loopback peer server is allowed for this run only, whatever ETAPPE_EXCHANGE_ALLOWED_NETWORKS says
(in production, peers on loopback are refused otherwise).
"""

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from exchange.models import Peer, ReceivedItem
from exchange.sync import sync_peers

PREFIX = "http://127.0.0.1:{port}/p/"


class Command(BaseCommand):
    help = "Initial sync and 304 re-sync of many peers served from loopback (issue 6 targets: 5 min and 30 s)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--peers", type=int, default=1000)
        parser.add_argument("--items", type=int, default=100)
        parser.add_argument("--concurrency", type=int, default=None)

    def handle(self, *args, peers: int, items: int, concurrency: int | None, **options) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = subprocess.Popen(  # noqa: S603 - our own module
            [sys.executable, "-m", "exchange.peer_server", str(port), str(peers), str(items)],
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            text=True,
        )
        loopback = {**settings.ETAPPE_EXCHANGE}
        loopback["ALLOWED_NETWORKS"] = [*loopback.get("ALLOWED_NETWORKS", []), "127.0.0.1/32"]
        allow_loopback = override_settings(ETAPPE_EXCHANGE=loopback)
        allow_loopback.enable()
        try:
            self.stdout.write(f"signing {peers * items:,} items for {peers:,} loopback peers …")
            assert server.stdout is not None  # stdout=PIPE
            server.stdout.readline()
            prefix = PREFIX.format(port=port)
            Peer.objects.filter(url__startswith=prefix).delete()
            created = Peer.objects.bulk_create([Peer(url=f"{prefix}{n}") for n in range(peers)])
            started = time.perf_counter()
            first = sync_peers(created, concurrency=concurrency, embed=False)
            initial = time.perf_counter() - started
            stored = ReceivedItem.objects.filter(peer__url__startswith=prefix).count()
            peers_again = list(Peer.objects.filter(url__startswith=prefix))
            started = time.perf_counter()
            second = sync_peers(peers_again, concurrency=concurrency, embed=False)
            resync = time.perf_counter() - started
            results = {
                "peers": peers,
                "items_per_peer": items,
                "initial_sync_s": round(initial, 1),
                "initial_failed": sum(not o.ok for o in first),
                "items_stored": stored,
                "resync_s": round(resync, 1),
                "resync_not_modified": sum(o.not_modified for o in second),
                "targets": {"initial_sync_s": 300, "resync_s": 30},
            }
            self.stdout.write(
                f"initial sync: {initial:.1f} s for {stored:,} items ({results['initial_failed']} peers failed; target 300 s)\n"
                f"re-sync:      {resync:.1f} s, {results['resync_not_modified']} of {peers} answered 304 (target 30 s)"
            )
            out = Path(settings.BASE_DIR) / "var" / "benchmarks" / "exchange-sync.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps(results, indent=2))
        finally:
            allow_loopback.disable()
            server.terminate()
            Peer.objects.filter(url__startswith=PREFIX.format(port=port)).delete()
