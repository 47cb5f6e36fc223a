import logging
import os
import platform

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from prioritisation.benchmark import in_database, in_memory


class Command(BaseCommand):
    help = (
        "Time the prioritisation ranking (target ≤ 100 ms) and a what-if recompute (target ≤ 50 ms) for "
        "500 candidates × 12 criteria × 10 assessors; --database also measures it through the database "
        "(everything written there is rolled back)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--candidates", type=int, default=500)
        parser.add_argument("--criteria", type=int, default=12)
        parser.add_argument("--assessors", type=int, default=10)
        parser.add_argument("--runs", type=int, default=50, help="timed repetitions per measurement")
        parser.add_argument("--database", action="store_true", help="also load the matrix from the configured database")

    def handle(self, *args, candidates: int, criteria: int, assessors: int, runs: int, database: bool, **options):
        logging.getLogger("etappe.request").setLevel(logging.WARNING)
        sizes = {"candidates": candidates, "criteria": criteria, "assessors": assessors, "runs": runs}
        results = in_memory(**sizes)
        note = ""
        if database:
            from_db, note = in_database(**sizes)
            results += from_db
        self.stdout.write(
            f"Prioritisation benchmark · {connection.vendor if database else 'in memory'} · "
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores · {runs} runs"
        )
        self.stdout.write(f"{'measurement':58} {'p50 ms':>8} {'p95 ms':>8} {'target':>8} {'queries':>8}")
        for result in results:
            target = f"{result.target_ms:.0f}" if result.target_ms else "–"
            queries = "–" if result.queries is None else str(result.queries)
            mark = "  MISSED" if result.missed else ""
            self.stdout.write(
                f"{result.name[:58]:58} {result.p50_ms:8.1f} {result.p95_ms:8.1f} {target:>8} {queries:>8}{mark}"
            )
        if note:
            self.stdout.write(f"({note})")
