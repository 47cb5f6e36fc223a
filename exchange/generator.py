"""Exchange data for the generator: this installation's outbox, and at national scale a hub's inbox.

national: one peer per German municipality (all 10,981 from the Destatis register) and about
one million received projects and lessons with varied German text, written with bulk inserts.
"""

import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings

from core.sample_text import ACTIONS, REASONS, SUBJECTS
from exchange.models import Peer, ReceivedItem
from exchange.publishing import publications_refresh

REGISTER = Path(settings.BASE_DIR) / "municipality" / "data" / "municipalities-de-2023-11-30.csv"
ITEMS_PER_MUNICIPALITY = 91  # 10,981 × 91 ≈ 1.0 million
STATUSES = ["planned", "in_implementation", "finalising", "completed", "stopped", "suspended"]
OUTCOMES = ["success"] * 4 + ["partial"] * 3 + ["failed"] * 2 + ["stopped", "too_early"]


def extend_generated(*, scale_name: str, rng: random.Random, batch: int) -> dict[str, int]:
    counts = {"published documents": publications_refresh()}
    if scale_name == "national":
        counts["received items"] = _hub_inbox(rng, batch)
    return counts


def _hub_inbox(rng: random.Random, batch: int) -> int:
    with REGISTER.open(encoding="utf-8") as file:
        towns = list(csv.DictReader(file))
    start = datetime(2023, 1, 1, tzinfo=UTC)
    total = 0
    for offset in range(0, len(towns), 200):
        chunk = towns[offset : offset + 200]
        peers = Peer.objects.bulk_create(
            [
                Peer(
                    url=f"https://etappe-{t['ars']}.example",
                    name=t["name"],
                    ars=t["ars"],
                    state=t["state"],
                    active=False,
                )
                for t in chunk
            ]
        )
        items = []
        for peer in peers:
            for number in range(ITEMS_PER_MUNICIPALITY):
                subject, keyword = rng.choice(SUBJECTS)
                kind = "lesson" if number % 3 == 0 else "project"
                title = f"{keyword}: {rng.choice(ACTIONS)}"
                items.append(
                    ReceivedItem(
                        peer=peer,
                        kind=kind,
                        uid=f"urn:etappe:{peer.ars}:{kind}:{number}",
                        municipality=peer.name,
                        ars=peer.ars,
                        state=peer.state,
                        title=title,
                        summary=f"Wir wollten {subject} {rng.choice(ACTIONS)}. {rng.choice(REASONS)}",
                        status="" if kind == "lesson" else rng.choice(STATUSES),
                        outcome=rng.choice(OUTCOMES) if kind == "lesson" else "",
                        document={"title": title},
                        signature="generated",
                        remote_changed_at=start + timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60)),
                    )
                )
        ReceivedItem.objects.bulk_create(items, batch_size=batch)
        total += len(items)
    return total
