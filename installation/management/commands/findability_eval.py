"""Measure "Ähnliche Ideen" and "Wer hat das schon gemacht?" on the findability sets (issue 17).

    ./etappe manage findability_eval --set dev            # both features, the development set
    ./etappe manage findability_eval --set heldout --misses 10
    ETAPPE_ENV=test ./etappe manage findability_eval --write-fixtures   # after changing what is embedded

Runs in a throwaway test database (the configured one is not touched): stores the 642 ideas and the
1,221 received items with their committed vectors, then asks the production functions for each probe.
"""

import time
from collections.abc import Callable

from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import override_settings

from core.benchmarking import percentile
from installation import findability


def ideas_rank(text: str) -> list[int]:
    from ideas.similarity import similar_ideas

    return [match.id for match in similar_ideas(text, limit=5)]


def panel_rank(text: str) -> list[int]:
    from exchange.similar import similar_items

    return [found.item.pk for found in similar_items(text, limit=5)]


class Command(BaseCommand):
    help = "Recall@5 and precision of similar ideas and of “who has done this before?” on the findability sets."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--set", choices=[*findability.SPLITS, "all"], default="dev", dest="split")
        parser.add_argument("--feature", choices=["ideas", "exchange", "both"], default="both")
        parser.add_argument("--misses", type=int, default=0, help="print this many misses per feature")
        parser.add_argument(
            "--write-fixtures", action="store_true", help="embed the exchange items and write the fixture"
        )
        parser.add_argument("--latency", action="store_true", help="also time each probe (p50/p95, one process)")

    def handle(
        self, *args, split: str, feature: str, misses: int, write_fixtures: bool, latency: bool, **options
    ) -> None:
        self.latency = latency
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            with override_settings(SIMILARITY_INDEX_RECHECK_SECONDS=0):
                if write_fixtures:
                    count = findability.write_exchange_fixture()
                    self.stdout.write(f"{count} item texts written to {findability.EXCHANGE_FIXTURE}")
                    return
                self._evaluate(split, feature, misses)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)

    def _evaluate(self, split: str, feature: str, misses: int) -> None:
        splits = findability.SPLITS if split == "all" else (split,)
        if feature in ("ideas", "both"):
            ids = findability.store_idea_pool()
            for name in splits:
                started = time.perf_counter()
                result = findability.evaluate_ideas(name, ids, self._timed(name, "similar ideas", ideas_rank))
                voices = ", ".join(f"{voice} {hit}/{total}" for voice, (hit, total) in sorted(result.by_voice.items()))
                self.stdout.write(
                    f"ideas {name}: recall@5 {result.recall:.3f} ({result.found}/{result.total}; {voices}); "
                    f"no counterpart: {result.unmatched_shown}/{result.unmatched_total} show something "
                    f"[{len(ids)} ideas, {time.perf_counter() - started:.0f} s]"
                )
                for miss in result.misses[:misses]:
                    self.stdout.write(
                        f"  MISS [{miss.voice}] {miss.text}\n    want: {miss.target}\n    got:  {miss.shown}"
                    )
                for text, shown in result.unmatched_examples[:misses]:
                    self.stdout.write(f"  SHOWN without counterpart: {text}\n    got: {shown}")
        if feature in ("exchange", "both"):
            items, _texts = findability.store_exchange_items()
            for name in splits:
                started = time.perf_counter()
                outcome = findability.evaluate_exchange(name, items, self._timed(name, "panel", panel_rank))
                self.stdout.write(
                    f"exchange {name}: recall@5 {outcome.recall:.3f} ({outcome.found}/{outcome.relevant}); "
                    f"failed/stopped {outcome.failure_recall:.3f} ({outcome.failures_found}/{outcome.failures}), "
                    f"successes {outcome.success_recall:.3f}; probes with any relevant item "
                    f"{outcome.probes_with_any}/{outcome.probes} [{len(items)} items, {time.perf_counter() - started:.0f} s]"
                )
                for missed in outcome.misses[:misses]:
                    self.stdout.write(
                        f"  MISS [{missed.voice}] {missed.text}\n    missed: {missed.missed}\n    got:    {missed.shown}"
                    )

    def _timed(self, split: str, name: str, rank: Callable[[str], list[int]]) -> Callable[[str], list[int]]:
        """`rank`, timing every call after the first (which builds the index) when --latency is given."""
        if not self.latency:
            return rank
        times: list[float] = []

        def timed(text: str) -> list[int]:
            started = time.perf_counter()
            found = rank(text)
            times.append((time.perf_counter() - started) * 1000)
            if len(times) == 100:
                runs = times[1:]
                self.stdout.write(
                    f"{name} {split}: p50 {percentile(runs, 0.5):.0f} ms, p95 {percentile(runs, 0.95):.0f} ms "
                    f"over {len(runs)} typed texts"
                )
            return found

        return timed
