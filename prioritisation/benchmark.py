"""Synthetic priority rounds for `manage.py benchmark_ranking`: in memory, or in the database inside a
transaction that is rolled back. Deterministic (seeded), so runs are comparable."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from prioritisation.ranking import PALETTE_SIZE, Column, Row, ScoreMatrix, build_matrix, rank

TARGET_RANKING_MS = 100.0
TARGET_WHAT_IF_MS = 50.0


@dataclass
class Timing:
    name: str
    p50_ms: float
    p95_ms: float
    target_ms: float | None = None
    queries: int | None = None

    @property
    def missed(self) -> bool:
        return self.target_ms is not None and self.p95_ms > self.target_ms


def timed(name: str, call: Callable[[int], object], *, runs: int, target: float | None = None) -> Timing:
    """p50/p95 of `call(run_number)` in milliseconds, after three warm-up calls."""
    for warmup in range(3):
        call(-1 - warmup)
    samples = []
    for run in range(runs):
        started = time.perf_counter()
        call(run)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return Timing(name, statistics.median(samples), p95, target)


def synthetic_columns(criteria: int) -> list[Column]:
    """Criteria like the default set: one derived, every fourth lower-is-better, scales 1–5 and 0–10."""
    columns = []
    for j in range(criteria):
        columns.append(
            Column(
                id=j + 1,
                name=f"Kriterium {j + 1}",
                weight=float(5 + (j * 7) % 20),
                scale_min=0 if j % 3 == 2 else 1,
                scale_max=10 if j % 3 == 2 else 5,
                lower_is_better=j % 4 == 3,
                derived=j == 1,
                axis="impact" if j % 4 in (0, 1) else "effort" if j % 4 == 3 else "",
                slot=j % PALETTE_SIZE,
            )
        )
    return columns


def synthetic_scores(
    columns: list[Column], candidates: int, assessors: int, *, missing: float = 0.05, seed: int = 4
) -> np.ndarray:
    """(candidate id, criterion id, assessor id, value) rows for every combination, a share left out."""
    rng = np.random.default_rng(seed)
    scored = [c for c in columns if not c.derived]
    c_ids, k_ids, a_ids = np.meshgrid(
        np.arange(1, candidates + 1), [c.id for c in scored], np.arange(1, assessors + 1), indexing="ij"
    )
    low = np.array([c.scale_min for c in scored])[None, :, None]
    high = np.array([c.scale_max for c in scored])[None, :, None]
    values = rng.integers(low, high + 1, size=c_ids.shape)
    rows = np.stack([c_ids, k_ids, a_ids, values], axis=-1).reshape(-1, 4)
    return rows[rng.random(len(rows)) >= missing]


def synthetic_matrix(
    candidates: int = 500, criteria: int = 12, assessors: int = 10
) -> tuple[list[Column], list[Row], list[int], np.ndarray, np.ndarray]:
    columns = synthetic_columns(criteria)
    rows = [Row(id=i, idea_id=i, title=f"Idee {i:04d}") for i in range(1, candidates + 1)]
    scores = synthetic_scores(columns, candidates, assessors)
    demand = np.random.default_rng(5).random(candidates)
    return columns, rows, list(range(1, assessors + 1)), scores, demand


def random_weights(matrix: ScoreMatrix, run: int) -> dict[int, float]:
    rng = np.random.default_rng(1000 + run)
    return {col.id: float(w) for col, w in zip(matrix.columns, rng.integers(1, 101, len(matrix.columns)), strict=True)}


def in_memory(*, candidates: int, criteria: int, assessors: int, runs: int) -> list[Timing]:
    """The ranking from raw score rows (matrix built and ranked) and a what-if on a built matrix."""
    columns, rows, assessor_ids, scores, demand = synthetic_matrix(candidates, criteria, assessors)

    def full(run: int) -> None:
        rank(build_matrix(columns=columns, rows=rows, assessor_ids=assessor_ids, scores=scores, demand=demand))

    matrix = build_matrix(columns=columns, rows=rows, assessor_ids=assessor_ids, scores=scores, demand=demand)
    size = f"{candidates} × {criteria} × {assessors}"
    return [
        timed(f"ranking {size} (build matrix + rank)", full, runs=runs, target=TARGET_RANKING_MS),
        timed(f"what-if recompute {size}", lambda run: rank(matrix, random_weights(matrix, run)), runs=runs,
              target=TARGET_WHAT_IF_MS),
    ]  # fmt: skip


def in_database(*, candidates: int, criteria: int, assessors: int, runs: int) -> tuple[list[Timing], str]:
    """Build the round in the configured database, measure, and roll everything back."""
    from django.db import connection, reset_queries, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Role, User
    from ideas.models import Idea, Moderation
    from prioritisation.models import Candidate, Criterion, PriorityRound, Score
    from prioritisation.ranking import load_matrix
    from prioritisation.services import round_save

    class Rollback(Exception):
        pass

    results: list[Timing] = []
    note = ""
    try:
        with transaction.atomic():
            stamp = time.time_ns()
            team = User.objects.create_user(f"bench-team-{stamp}@example.invalid", None, role=Role.STRATEGY_TEAM)
            people = User.objects.bulk_create(
                User(email=f"bench-{stamp}-{i}@example.invalid", full_name=f"Bench {i}", role=Role.STAFF)
                for i in range(assessors)
            )
            ideas = Idea.objects.bulk_create(
                Idea(title=f"Bench-Idee {i:04d}", description="-", status=Idea.Status.IN_POOL,
                     moderation=Moderation.PUBLISHED)
                for i in range(candidates)
            )  # fmt: skip
            catalogue = Criterion.objects.bulk_create(
                Criterion(
                    name=c.name,
                    scale_min=c.scale_min,
                    scale_max=c.scale_max,
                    direction="lower" if c.lower_is_better else "higher",
                    matrix_axis=c.axis,
                    derived=c.derived,
                    default_weight=int(c.weight),
                    position=c.id,
                    is_active=False,
                )
                for c in synthetic_columns(criteria)
            )
            priority_round = round_save(
                priority_round=PriorityRound(title="Benchmark"), assessors=people, by=team, criteria=catalogue
            )
            created = Candidate.objects.bulk_create(Candidate(priority_round=priority_round, idea=i) for i in ideas)
            copies = list(priority_round.criteria.order_by("position"))
            raw = synthetic_scores(synthetic_columns(criteria), candidates, assessors)
            Score.objects.bulk_create(
                (
                    Score(
                        candidate_id=created[c - 1].pk,
                        round_criterion_id=copies[k - 1].pk,
                        assessor_id=people[a - 1].pk,
                        value=v,
                    )
                    for c, k, a, v in raw.tolist()
                ),
                batch_size=5000,
            )
            PriorityRound.objects.filter(pk=priority_round.pk).update(state=PriorityRound.State.SCORING)
            priority_round.refresh_from_db()
            size = f"{candidates} × {criteria} × {assessors}"
            reset_queries()  # a request in between would reset the log under CaptureQueriesContext
            with CaptureQueriesContext(connection) as queries:
                rank(load_matrix(priority_round))
            loaded = timed(
                f"ranking from the database {size}",
                lambda run: rank(load_matrix(priority_round)),
                runs=runs,
                target=TARGET_RANKING_MS,
            )
            loaded.queries = len(queries)
            results.append(loaded)
            client = Client()
            client.force_login(team, backend="django.contrib.auth.backends.ModelBackend")
            url = reverse("prioritisation:ranking", args=[priority_round.pk])
            weights = "&".join(f"w{c.pk}={5 + i}" for i, c in enumerate(copies))

            def what_if(run: int) -> None:
                response = client.get(f"{url}?whatif=1&{weights}", headers={"HX-Request": "true"})
                if response.status_code != 200:
                    raise RuntimeError(f"what-if answered {response.status_code}")

            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                what_if(0)
            page = timed(f"what-if partial, server time {size}", what_if, runs=max(5, runs // 5))
            page.queries = len(queries)
            results.append(page)
            note = f"{len(raw)} scores written and rolled back"
            raise Rollback
    except Rollback:
        pass
    return results, note
