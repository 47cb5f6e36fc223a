"""Benchmarks of the exchange for `manage.py benchmark`: the feed, the hub search on PostgreSQL, the similar panel.

The sync of many peers has its own command (`manage.py exchange_benchmark`), because it starts a
loopback server playing the peers.
"""

from functools import partial

from django.db import connection
from django.test import Client

from core.benchmarking import Result, measure_page, percentile, time_calls
from exchange.models import Publication, ReceivedItem
from exchange.received import search_received
from exchange.similar import similar_items

QUERIES = ["Chatbot Bürgerbüro", "Bauantrag digital", "Wohngeld online", "Terminvergabe", "Sperrmüll", "Kita-Platz"]


def benchmark_results(*, runs: int) -> list[Result]:
    client = Client()
    total = Publication.objects.count()
    middle = Publication.objects.order_by("changed_at", "id")[total // 2 : total // 2 + 1].first()
    results = [
        measure_page(
            client,
            f"exchange feed, first page of {total:,} items",
            "/api/v1/exchange/feed?limit=100",
            runs=runs,
            target=100,
        ),
    ]
    if middle:
        cursor = f"{middle.changed_at.isoformat()}~{middle.pk}".replace("+", "%2B")
        results.append(
            measure_page(
                client,
                "exchange feed, a page in the middle",
                f"/api/v1/exchange/feed?since={cursor}&limit=100",
                runs=runs,
                target=100,
            )
        )
    received = ReceivedItem.objects.count()
    if received:
        timings = []
        for query in QUERIES:
            timings += time_calls(partial(_first_hits, query), max(runs // len(QUERIES), 3))
        target = 100 if connection.vendor == "postgresql" else None
        results.append(
            Result(
                f"hub search over {received:,} received items",
                round(sorted(timings)[len(timings) // 2], 1),
                round(percentile(timings, 0.95), 1),
                None,
                target,
                len(timings),
            )
        )
        results.append(
            measure_page(client, "exchange page with a search", "/exchange/?q=Chatbot", runs=runs, target=None)
        )
        results.append(_similar_panel(received, runs))
    return results


def _first_hits(query: str) -> list:
    return list(search_received(query)[:20])


def _similar_panel(received: int, runs: int) -> Result:
    """ "Who has done this before?" for a typed text (query vectors cached, as on a page viewed again)."""
    embedded = ReceivedItem.objects.filter(embedding__isnull=False).count()
    timings = []
    for query in QUERIES:
        timings += time_calls(partial(similar_items, query), max(runs // len(QUERIES), 3))
    return Result(
        f"who has done this before?, {received:,} received items, {embedded:,} with vectors",
        round(sorted(timings)[len(timings) // 2], 1),
        round(percentile(timings, 0.95), 1),
        None,
        None,
        len(timings),
        note="manage.py exchange_similar_benchmark measures index sizes, rebuilds and the backfill",
    )
