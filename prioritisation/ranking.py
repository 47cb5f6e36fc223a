"""The ranking of a priority round, computed in memory from a compact score matrix.

`load_matrix` reads a round in a fixed number of queries (criteria, candidates, assessors,
scores and, while the round is open, the demand inputs). Everything else is pure numpy:

1. Every score is normalised to 0..1 on its criterion's scale, flipped for "lower is better"
   criteria, so 1 is always the best value ("goodness").
2. Per candidate and criterion the goodness is the mean over the assessors who scored it; a
   criterion nobody scored counts as 0.5 (the middle of the scale) and lowers the completeness.
   Derived criteria ("demand from participation") take the demand share from `demand.py`.
3. Weights are divided by their sum, so they add up to 1. A criterion contributes
   weight share × goodness × 100 points; the contributions add up to the total (0–100).
4. The spread of a candidate is the standard deviation of the assessors' normalised values per
   criterion (criteria with at least two scores), averaged over those criteria.

`rank(matrix, weights)` re-ranks with other weights without touching the database (what-if).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import cast

import numpy as np
from django.db.models import CharField, Count, StringAgg, Sum, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from prioritisation.demand import DemandInputs, demand_shares

NEUTRAL = 0.5  # the goodness of a criterion nobody has scored yet
# Spread (mean standard deviation as a share of the scale): 0.2 is 0.8 points on a 1–5 scale.
HIGH_SPREAD = 0.2
LOW_SPREAD = 0.1


class RankingError(ValueError):
    """Weights that cannot rank anything; the message is shown to the person."""


@dataclass(frozen=True)
class Column:
    id: int
    name: str
    weight: float
    scale_min: int
    scale_max: int
    lower_is_better: bool = False
    derived: bool = False
    axis: str = ""
    slot: int = 0  # colour of its bar segments (seg-0 … seg-11)


PALETTE_SIZE = 12


@dataclass(frozen=True)
class Row:
    id: int
    idea_id: int
    title: str
    demand: DemandInputs | None = None


@dataclass
class ScoreMatrix:
    columns: list[Column]
    rows: list[Row]
    assessor_ids: list[int]
    goodness: np.ndarray  # (candidates, criteria), 0..1, 1 = best
    mean_values: np.ndarray  # (candidates, criteria) on the criterion's own scale; NaN where nobody scored
    counts: np.ndarray  # (candidates, criteria) number of scores
    spread_by_criterion: np.ndarray  # (candidates, criteria) std of normalised values; NaN below two scores
    spread: np.ndarray  # (candidates,) mean of the above; NaN where no criterion has two scores
    completeness: np.ndarray  # (candidates,) share of the expected scores that exist

    @property
    def completeness_overall(self) -> float:
        return float(self.completeness.mean()) if len(self.rows) else 1.0

    @property
    def completeness_percent(self) -> float:
        return self.completeness_overall * 100


@dataclass(frozen=True)
class Contribution:
    column: Column
    points: float  # share of the total, 0..100
    offset: float  # where its bar segment starts (sum of the previous contributions)
    value: float | None  # mean on the criterion's scale; None where nobody scored
    count: int
    spread: float | None


@dataclass
class RankedRow:
    rank: int
    row: Row
    total: float  # 0..100
    spread: float | None
    completeness: float
    most_disputed: Column | None
    agreed_rank: int | None = None
    # Per-criterion numbers of this row, turned into Contribution objects only when shown.
    parts: tuple = field(default=(), repr=False, compare=False)

    @cached_property
    def contributions(self) -> list[Contribution]:
        columns, points, starts, means, counts, spreads = self.parts
        return [
            Contribution(
                column,
                points[j],
                starts[j],
                None if means[j] != means[j] else means[j],  # NaN: nobody scored
                counts[j],
                None if spreads[j] != spreads[j] else spreads[j],
            )
            for j, column in enumerate(columns)
        ]

    @property
    def spread_level(self) -> str:
        if self.spread is None:
            return ""
        if self.spread >= HIGH_SPREAD:
            return "high"
        return "medium" if self.spread >= LOW_SPREAD else "low"

    @property
    def spread_percent(self) -> float | None:
        return None if self.spread is None else self.spread * 100

    @property
    def moved(self) -> int:
        """Places gained (positive) or lost against the agreed weights; 0 outside a what-if."""
        return 0 if self.agreed_rank is None else self.agreed_rank - self.rank

    @property
    def moved_by(self) -> int:
        return abs(self.moved)


@dataclass
class Ranking:
    columns: list[Column]
    shares: list[float]  # weight share per column in percent, adds up to 100
    rows: list[RankedRow] = field(default_factory=list)
    is_what_if: bool = False

    @property
    def weighted_columns(self) -> list[tuple[Column, float]]:
        return list(zip(self.columns, self.shares, strict=True))


def _positions(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Index of each wanted id in ids, or -1."""
    if len(ids) == 0:
        return np.full(len(wanted), -1)
    order = np.argsort(ids)
    found = np.searchsorted(ids[order], wanted).clip(0, len(ids) - 1)
    return np.where(ids[order][found] == wanted, order[found], -1)


def build_matrix(
    *,
    columns: list[Column],
    rows: list[Row],
    assessor_ids: list[int],
    scores: np.ndarray | list[tuple[int, int, int, int]],
    demand: np.ndarray | None = None,
) -> ScoreMatrix:
    """The matrix from raw score rows (candidate id, column id, assessor id, value).

    `demand` is the demand share (0..1) per row for derived columns; scores of unknown
    candidates, criteria or assessors and of derived columns are ignored.
    """
    c, k, a = len(rows), len(columns), len(assessor_ids)
    values = np.full((c, k, max(a, 1)), np.nan)
    data = np.asarray(scores, dtype=np.int64).reshape(-1, 4)
    if len(data):
        ci = _positions(np.array([r.id for r in rows], dtype=np.int64), data[:, 0])
        ki = _positions(np.array([col.id for col in columns], dtype=np.int64), data[:, 1])
        ai = _positions(np.array(assessor_ids, dtype=np.int64), data[:, 2])
        ok = (ci >= 0) & (ki >= 0) & (ai >= 0)
        values[ci[ok], ki[ok], ai[ok]] = data[ok, 3]
    derived = np.array([col.derived for col in columns], dtype=bool)
    values[:, derived, :] = np.nan

    low = np.array([col.scale_min for col in columns], dtype=float)
    span = np.array([col.scale_max - col.scale_min for col in columns], dtype=float)
    lower = np.array([col.lower_is_better for col in columns], dtype=bool)
    normalised = (values - low[None, :, None]) / span[None, :, None]
    normalised = np.where(lower[None, :, None], 1.0 - normalised, normalised)

    present = ~np.isnan(values)
    counts = present.sum(axis=2)
    scored = counts > 0
    goodness = np.divide(np.nansum(normalised, axis=2), counts, out=np.full((c, k), NEUTRAL), where=scored)
    mean_values = np.divide(np.nansum(values, axis=2), counts, out=np.full((c, k), np.nan), where=scored)
    squares = np.nansum((normalised - goodness[:, :, None]) ** 2, axis=2)
    several = counts >= 2
    spread_by_criterion = np.sqrt(np.divide(squares, counts, out=np.full((c, k), np.nan), where=several))

    if derived.any():
        shares = np.zeros(c) if demand is None else np.asarray(demand, dtype=float)
        goodness[:, derived] = shares[:, None]
        mean_values[:, derived] = low[derived][None, :] + shares[:, None] * span[derived][None, :]

    spread_sum = np.where(several, spread_by_criterion, 0.0).sum(axis=1)
    spread_count = several.sum(axis=1)
    spread = np.divide(spread_sum, spread_count, out=np.full(c, np.nan), where=spread_count > 0)
    expected = int((~derived).sum()) * a
    completeness = counts[:, ~derived].sum(axis=1) / expected if expected else np.ones(c)
    return ScoreMatrix(
        columns=columns,
        rows=rows,
        assessor_ids=list(assessor_ids),
        goodness=goodness,
        mean_values=mean_values,
        counts=counts,
        spread_by_criterion=spread_by_criterion,
        spread=spread,
        completeness=np.minimum(completeness, 1.0),
    )


def weight_vector(columns: list[Column], weights: Mapping[int, float] | None = None) -> np.ndarray:
    """The weights in column order (missing ones keep the agreed weight), checked."""
    weights = weights or {}
    vector = np.array([float(weights.get(col.id, col.weight)) for col in columns], dtype=float)
    if np.any(vector < 0) or not np.all(np.isfinite(vector)):
        raise RankingError(_("Weights cannot be negative."))
    if columns and vector.sum() <= 0:
        raise RankingError(_("The weights add up to zero. Give at least one criterion a weight above 0."))
    return vector


def _order(totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions best first (ties keep the row order) and competition ranks (1, 2, 2, 4)."""
    rounded = np.round(totals, 9)
    order = np.lexsort((np.arange(len(totals)), -rounded))
    ranks = np.empty(len(totals), dtype=int)
    previous, rank = None, 0
    for position, index in enumerate(order, start=1):
        if rounded[index] != previous:
            rank, previous = position, rounded[index]
        ranks[index] = rank
    return order, ranks


def rank(matrix: ScoreMatrix, weights: Mapping[int, float] | None = None) -> Ranking:
    """Rank the candidates with the agreed weights, or with `weights` (column id → weight) for a what-if."""
    columns = matrix.columns
    vector = weight_vector(columns, weights)
    share = vector / vector.sum() if columns else vector
    contributions = matrix.goodness * share[None, :] * 100.0
    totals = contributions.sum(axis=1)
    offsets = np.cumsum(contributions, axis=1) - contributions
    order, ranks = _order(totals)
    agreed_ranks = None
    is_what_if = weights is not None and not np.allclose(vector, [col.weight for col in columns])
    if is_what_if:
        agreed_vector = weight_vector(columns)
        _, agreed_ranks = _order((matrix.goodness * (agreed_vector / agreed_vector.sum())[None, :]).sum(axis=1))

    disputed = np.where(np.isnan(matrix.spread_by_criterion), -1.0, matrix.spread_by_criterion)
    most_disputed = disputed.argmax(axis=1) if columns else np.zeros(len(matrix.rows), dtype=int)
    disputed_most = disputed.max(axis=1).tolist() if columns else [0.0] * len(matrix.rows)
    # Plain Python lists: element access on numpy arrays is slow in the loops below.
    points, starts = contributions.tolist(), offsets.tolist()
    means, counts, spreads = matrix.mean_values.tolist(), matrix.counts.tolist(), matrix.spread_by_criterion.tolist()
    spread_per_row, completeness = matrix.spread.tolist(), matrix.completeness.tolist()
    agreed = agreed_ranks.tolist() if agreed_ranks is not None else None
    rank_list, total_list, disputed_list = ranks.tolist(), totals.tolist(), most_disputed.tolist()
    rows = []
    for index in order.tolist():
        top = disputed_list[index]
        spread = spread_per_row[index]
        rows.append(
            RankedRow(
                rank=rank_list[index],
                row=matrix.rows[index],
                total=total_list[index],
                spread=None if spread != spread else spread,
                completeness=completeness[index],
                most_disputed=columns[top] if disputed_most[index] > 0 else None,
                agreed_rank=agreed[index] if agreed is not None else None,
                parts=(columns, points[index], starts[index], means[index], counts[index], spreads[index]),
            )
        )
    return Ranking(columns=columns, shares=(share * 100).tolist(), rows=rows, is_what_if=is_what_if)


# --- reading a round from the database --------------------------------------------------------


def _live_demand(priority_round) -> tuple[dict[int, int], dict[int, int]]:
    """Stakeholder weight and survey answers per idea of the round's candidates (two queries)."""
    from participation.models import Stakeholder
    from surveys.models import Answer

    stakeholders = dict(
        Stakeholder.ideas.through.objects.filter(idea__priority_candidacies__priority_round=priority_round)
        .values("idea_id")
        .annotate(total=Sum("stakeholder__influence"))
        # django-stubs does not see the annotation on the auto-created through model
        .values_list("idea_id", "total")  # type: ignore[misc]
    )
    answers = dict(
        Answer.objects.filter(idea__priority_candidacies__priority_round=priority_round)
        .values("idea_id")
        .annotate(total=Count("pk"))
        .values_list("idea_id", "total")
    )
    return stakeholders, answers


def demand_by_candidate(priority_round) -> dict[int, tuple[DemandInputs, float]]:
    """Candidate id → (demand inputs, demand share 0..1), live while the round is open."""
    matrix_rows = _rows(priority_round, needs_demand=True)
    demands = [cast(DemandInputs, r.demand) for r in matrix_rows]  # with needs_demand, every row has them
    shares = demand_shares(demands)
    return {r.id: (inputs, float(share)) for r, inputs, share in zip(matrix_rows, demands, shares, strict=True)}


def _rows(priority_round, *, needs_demand: bool) -> list[Row]:
    from prioritisation.models import Candidate

    candidates = list(
        Candidate.objects.filter(priority_round=priority_round)
        .order_by("idea__title", "pk")
        .values_list(
            "pk", "idea_id", "idea__title", "supports", "stakeholder_weight", "survey_answers", "idea__support_count"
        )
    )
    frozen = priority_round.is_closed
    live_stakeholders: dict[int, int] = {}
    live_answers: dict[int, int] = {}
    if needs_demand and not frozen and candidates:
        live_stakeholders, live_answers = _live_demand(priority_round)
    rows = []
    for pk, idea_id, title, supports, weight, answers, live_supports in candidates:
        if frozen and supports is not None:
            inputs = DemandInputs(supports, weight or 0, answers or 0)
        else:
            inputs = DemandInputs(live_supports, live_stakeholders.get(idea_id, 0), live_answers.get(idea_id, 0))
        rows.append(Row(id=pk, idea_id=idea_id, title=title, demand=inputs))
    return rows


def load_matrix(priority_round) -> ScoreMatrix:
    """The score matrix of a round in a fixed number of queries, however many candidates and scores."""
    from prioritisation.models import Score

    columns = [
        Column(
            id=pk,
            name=name,
            weight=float(weight),
            scale_min=low,
            scale_max=high,
            lower_is_better=direction == "lower",
            derived=derived,
            axis=axis,
            slot=index % PALETTE_SIZE,
        )
        for index, (pk, name, weight, low, high, direction, derived, axis) in enumerate(
            priority_round.criteria.order_by("position", "pk").values_list(
                "pk", "name", "weight", "scale_min", "scale_max", "direction", "derived", "matrix_axis"
            )
        )
    ]
    needs_demand = any(col.derived for col in columns)
    rows = _rows(priority_round, needs_demand=needs_demand)
    assessor_ids = set(priority_round.assessors.values_list("pk", flat=True))
    # One string instead of a row per score: for a large round (60,000 scores) creating a Python
    # tuple per row would take most of the time. "candidate,criterion,assessor,value,…"
    fields = ("candidate_id", "round_criterion_id", "assessor_id", "value")
    parts = [part for name in fields for part in (Cast(name, CharField()), Value(","))][:-1]
    packed = Score.objects.filter(candidate__priority_round=priority_round).aggregate(
        packed=StringAgg(Concat(*parts), delimiter=Value(","))
    )["packed"]
    scores = np.fromstring(packed, dtype=np.int64, sep=",").reshape(-1, 4) if packed else np.empty((0, 4), np.int64)
    if len(scores):
        # Someone removed from the assessors keeps their scores in the ranking.
        assessor_ids |= set(np.unique(scores[:, 2]).tolist())
    return build_matrix(
        columns=columns,
        rows=rows,
        assessor_ids=sorted(assessor_ids),
        scores=scores,
        demand=demand_shares([r.demand for r in rows]) if needs_demand else None,
    )
