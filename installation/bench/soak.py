"""A soak test: the production server under bounded, mixed load for minutes, watching errors and memory.

gunicorn (as in the README's production section) serves the database in DATABASE_URL; a client
process sends a fixed mix of page and API requests at a bounded rate; every few seconds the
resident memory of the gunicorn processes is read from /proc. Stable means: no failed request
and the memory of the last third of the run at most 10 % above that of the middle third.
"""

import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from ideas.models import Idea
from installation.bench.http_load import _free_port, _wait_for
from installation.bench.soak_client import run_client
from projects.models import Project

WORKERS, THREADS = 2, 4


def paths() -> list[str]:
    idea = Idea.objects.public().order_by("-support_count").values_list("pk", flat=True).first()
    project = Project.objects.public().values_list("pk", flat=True).first()
    mix = [
        "/",
        "/ideas/",
        "/ideas/?sort=supported",
        "/projects/",
        "/projects/roadmap/",
        "/lessons/",
        "/lessons/?outcome=failed",
        "/search/?q=Parkausweis+online",
        "/exchange/",
        "/api/v1/ideas?limit=20",
        "/api/v1/exchange/feed?limit=50",
        "/lessons/feed/",
    ]
    if idea:
        mix.append(f"/ideas/{idea}/")
    if project:
        mix.append(f"/projects/{project}/")
    return mix


def _rss_kib(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def soak(*, minutes: float, rate: float) -> dict:
    port = _free_port()
    env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "WARNING", "ETAPPE_EMBEDDINGS": "off"}
    server = subprocess.Popen(  # noqa: S603 - fixed command line, our own server
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "gthread",
            "--threads",
            str(THREADS),
            "--preload",
            "--log-level",
            "warning",
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
    )
    samples: list[tuple[float, int]] = []
    try:
        _wait_for(port, server, warm=WORKERS * THREADS)
        mix = paths()
        started = time.monotonic()
        deadline = started + minutes * 60
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        client = context.Process(target=run_client, args=(port, mix, rate, deadline, results))
        client.start()
        while time.monotonic() < deadline:
            samples.append((round(time.monotonic() - started, 1), _rss_kib([server.pid, *_children(server.pid)])))
            time.sleep(5)
        outcome = results.get(timeout=120)
        client.join(timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)
    third = max(len(samples) // 3, 1)
    middle = statistics.mean(rss for _, rss in samples[third : 2 * third] or samples)
    last = statistics.mean(rss for _, rss in samples[-third:])
    timings = sorted(outcome["timings"])
    report = {
        "minutes": minutes,
        "rate_per_second": rate,
        "requests": outcome["sent"],
        "failed": outcome["failed"],
        "errors": outcome["errors"],
        "p50_ms": round(timings[len(timings) // 2], 1) if timings else None,
        "p95_ms": round(timings[int(len(timings) * 0.95)], 1) if timings else None,
        "rss_mib_middle_third": round(middle / 1024, 1),
        "rss_mib_last_third": round(last / 1024, 1),
        "rss_growth_percent": round(100 * (last - middle) / middle, 1) if middle else None,
        "memory_samples_mib": [(t, round(rss / 1024, 1)) for t, rss in samples],
        "server": f"gunicorn, {WORKERS} workers × {THREADS} threads",
    }
    report["stable"] = report["failed"] == 0 and (report["rss_growth_percent"] or 0) <= 10
    out = Path(settings.BASE_DIR) / "var" / "benchmarks" / "soak.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    return report
