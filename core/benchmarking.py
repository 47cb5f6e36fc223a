"""Timing helpers for the benchmark rows that apps add (`<app>/benchmarks.py`).

Pages are requested in-process through Django's test client against the configured database,
so the numbers are server time (URL routing, views, queries, templates) without network.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Result:
    name: str
    p50_ms: float
    p95_ms: float
    queries: int | None
    target_p95_ms: float | None
    runs: int
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def missed(self) -> bool:
        return self.target_p95_ms is not None and self.p95_ms > self.target_p95_ms


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def time_calls(call: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        call()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def measure_page(client: Client, name: str, url: str, *, runs: int, target: float | None) -> Result:
    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    timings = time_calls(get, runs)
    with CaptureQueriesContext(connection) as queries:
        get()
    return Result(
        name, round(statistics.median(timings), 1), round(percentile(timings, 0.95), 1), len(queries), target, runs
    )
