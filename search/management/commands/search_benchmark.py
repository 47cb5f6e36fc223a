import logging
import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from search.benchmarks import benchmark_results, fill, remove_synthetic
from search.models import Document


class Command(BaseCommand):
    help = (
        "Fill the search index with synthetic German documents (on the database of DATABASE_URL), "
        "then print p50/p95 of the search engine, the search page and the API against the targets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--documents", type=int, default=100_000, help="synthetic documents to add")
        parser.add_argument("--runs", type=int, default=100, help="timed runs per measurement")
        parser.add_argument("--keep", action="store_true", help="leave the synthetic documents in the index")

    def handle(self, *args, documents: int, runs: int, keep: bool, **options) -> None:
        logging.getLogger("etappe.request").setLevel(logging.WARNING)
        started = time.perf_counter()
        fill(documents)
        self.stdout.write(
            f"{connection.vendor}: {Document.objects.count():,} documents in the index "
            f"({documents:,} synthetic, added in {time.perf_counter() - started:.0f} s)"
        )
        try:
            results = benchmark_results(runs=runs)
        finally:
            if not keep:
                remove_synthetic()
        self.stdout.write(f"{'measurement':52} {'p50 ms':>8} {'p95 ms':>8} {'target':>8} {'queries':>8}")
        for result in results:
            target = f"{result.target_p95_ms:.0f}" if result.target_p95_ms else "–"
            queries = str(result.queries) if result.queries is not None else "–"
            mark = "  MISSED" if result.missed else ""
            self.stdout.write(
                f"{result.name[:52]:52} {result.p50_ms:8.1f} {result.p95_ms:8.1f} {target:>8} {queries:>8}{mark}"
            )
