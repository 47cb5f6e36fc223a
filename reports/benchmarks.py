"""Benchmarks of issue 5's progress site and council reports (collected by `manage.py benchmark`)."""

import time
from collections.abc import Callable
from datetime import date

from django.test import Client

from core.benchmarking import Result, measure_page
from reports.content import gather
from reports.rendering import pdf_document, render_xlsx


def _seconds[T](call: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    value = call()
    return round((time.perf_counter() - started) * 1000, 1), value


def benchmark_results(*, runs: int) -> list[Result]:
    anonymous = Client()
    results = [
        measure_page(anonymous, "public start page (progress, charts)", "/", runs=runs, target=100),
        measure_page(anonymous, "lessons learned list", "/lessons/", runs=runs, target=None),
        measure_page(anonymous, "lessons learned, failed only", "/lessons/?outcome=failed", runs=runs, target=None),
        measure_page(anonymous, "Atom feed of milestones", "/reports/feeds/milestones/", runs=runs, target=None),
    ]
    # The whole council report of every project since 2020: gathering, workbook and PDF, once.
    gather_ms, content = _seconds(
        lambda: gather(title="Benchmark", start=date(2020, 1, 1), end=date(2030, 12, 31), include_internal=True)
    )
    xlsx_ms, _ = _seconds(lambda: render_xlsx(content))
    rows = len(content.projects) + len(content.reached) + len(content.missed) + len(content.kpis)
    pdf_ms, document = _seconds(lambda: pdf_document(content))
    write_ms, _ = _seconds(document.write_pdf)
    total = gather_ms + xlsx_ms + pdf_ms + write_ms
    results += [
        Result(
            "council report, whole build (gather + XLSX + PDF)",
            total,
            total,
            None,
            30_000,
            1,
            note=f"{len(content.projects)} projects",
        ),
        Result(
            "council report XLSX", xlsx_ms, xlsx_ms, None, 5_000 if rows >= 10_000 else None, 1, note=f"{rows} rows"
        ),
        Result(
            "council report PDF",
            pdf_ms + write_ms,
            pdf_ms + write_ms,
            None,
            None,
            1,
            note=f"{len(document.pages)} pages",
        ),
    ]
    # A report of one year, the usual council period (lists cut at 150 rows; at city scale about 40 pages).
    year = gather(title="Benchmark", start=date(2025, 1, 1), end=date(2025, 12, 31), include_internal=True)
    year_ms, year_document = _seconds(lambda: pdf_document(year))
    write_ms, _ = _seconds(year_document.write_pdf)
    pages = len(year_document.pages)
    results.append(
        Result(
            "council report PDF, one year",
            year_ms + write_ms,
            year_ms + write_ms,
            None,
            10_000 if pages >= 20 else None,  # the issue asks ≤ 10 s for 20 pages; a longer one must meet it too
            1,
            note=f"{pages} pages",
        )
    )
    return results
