import json
import logging
import os
import platform
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.utils import timezone

from installation.bench.embed_load import embeddings_per_second
from installation.bench.http_load import THREADS, WORKERS, supports_per_second
from installation.bench.measure import as_dict, data_summary, page_results, similarity_result
from installation.plugins import app_hooks

SUPPORT_TARGETS = {"sqlite": 200, "postgresql": 500}
EMBEDDING_TARGET = 50


class Command(BaseCommand):
    help = "Measure server time (p50/p95) and SQL queries of key pages, similar ideas, supports/s over HTTP and embeddings/s in the background; print a table against the targets and write JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=50, help="timed requests per page")
        parser.add_argument(
            "--load-seconds", type=float, default=10, help="duration of the HTTP support load (0 skips it)"
        )
        parser.add_argument("--http-workers", type=int, default=WORKERS, help="gunicorn workers for the HTTP load")
        parser.add_argument("--http-threads", type=int, default=THREADS, help="threads per gunicorn worker")
        parser.add_argument(
            "--embed-ideas",
            type=int,
            default=256,
            help="ideas embedded by a background worker to measure embeddings/s (0 skips it)",
        )
        parser.add_argument("--json", default="", help="where to write the results (default: var/benchmarks/<db>.json)")
        parser.add_argument(
            "--apps",
            nargs="+",
            default=[],
            help="only the rows of these apps' benchmarks.py (e.g. accounts workspace); skips the core pages",
        )

    def handle(
        self, *args, runs: int, load_seconds: float, http_workers: int, http_threads: int, embed_ideas: int, **options
    ) -> None:
        vendor = connection.vendor
        logging.getLogger("etappe.request").setLevel(
            logging.WARNING
        )  # one line per timed request would drown the table
        started = time.perf_counter()
        only = set(options["apps"])
        results = [] if only else [*page_results(runs=runs), similarity_result(runs=runs)]
        for hook in app_hooks("benchmarks", "benchmark_results"):
            if not only or hook.__module__.split(".")[0] in only:
                results += hook(runs=runs)
        load = (
            supports_per_second(seconds=load_seconds, workers=http_workers, threads=http_threads)
            if load_seconds > 0
            else None
        )
        embedding = embeddings_per_second(count=embed_ideas) if embed_ideas > 0 else None

        self.stdout.write(
            f"Etappe benchmark · {vendor} · {timezone.now():%Y-%m-%d %H:%M} · {platform.processor() or platform.machine()}"
        )
        self.stdout.write(f"data: {data_summary()}")
        self.stdout.write(f"{'measurement':52} {'p50 ms':>8} {'p95 ms':>8} {'target':>8} {'queries':>8}")
        for result in results:
            target = f"{result.target_p95_ms:.0f}" if result.target_p95_ms else "–"
            queries = str(result.queries) if result.queries is not None else "–"
            mark = "  MISSED" if result.missed else ""
            self.stdout.write(
                f"{result.name[:52]:52} {result.p50_ms:8.1f} {result.p95_ms:8.1f} {target:>8} {queries:>8}{mark}"
            )
            if result.note:
                self.stdout.write(f"  ({result.note})")
        report = {
            "date": timezone.now().isoformat(),
            "database": vendor,
            "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
            "data": data_summary(),
            "results": [as_dict(r) for r in results],
        }
        if load is not None:
            support_target = SUPPORT_TARGETS.get(vendor)
            missed = (support_target is not None and load["supports_per_second"] < support_target) or not load[
                "each_counted_once"
            ]
            self.stdout.write(
                f"{'supports over HTTP (per second)':52} {load['supports_per_second']:8.1f} {'':>8} {'≥' + str(support_target):>8}"
                f"{'  MISSED' if missed else ''}"
            )
            self.stdout.write(
                f"  ({load['requests_ok']} ok, {load['requests_failed']} failed in {load['seconds']} s; "
                f"{load['supports_stored']} stored, each counted once: {load['each_counted_once']}; {load['clients']}, {load['server']})"
            )
            report["supports_over_http"] = {**load, "target_per_second": support_target, "missed": missed}
        if embedding is not None:
            missed = embedding["ideas_per_second"] < EMBEDDING_TARGET or embedding["embedded"] != embedding["ideas"]
            self.stdout.write(
                f"{'embeddings of new ideas, background worker (per s)':52} {embedding['ideas_per_second']:8.1f} {'':>8}"
                f" {'≥' + str(EMBEDDING_TARGET):>8}{'  MISSED' if missed else ''}"
            )
            self.stdout.write(
                f"  ({embedding['embedded']} of {embedding['ideas']} ideas in {embedding['seconds']} s by db_worker, "
                f"{embedding['threads']} threads, {embedding['tasks']} tasks, {embedding['tasks_failed']} failed; "
                f"worker wall time incl. start-up {embedding['worker_wall_seconds']} s)"
            )
            report["embeddings_in_background"] = {**embedding, "target_per_second": EMBEDDING_TARGET, "missed": missed}
        elif embed_ideas > 0:
            self.stdout.write("embeddings of new ideas: skipped, no embedding model (ETAPPE_EMBEDDINGS=off?)")
        path = Path(options["json"] or Path(settings.BASE_DIR) / "var" / "benchmarks" / f"{vendor}.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2, default=str))
        self.stdout.write(f"written to {path} in {time.perf_counter() - started:.0f} s")
