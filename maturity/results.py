"""Results of an assessment round: aggregate and spread per item and dimension, previous round, targets, gaps.

Built from a fixed number of queries however many respondents and items there are. Only submitted
responses count; an answer without a score ("cannot judge") counts for nothing.

A respondent's dimension score is the mean of their item scores in that dimension; the dimension's
aggregate is the mean (and median) of those respondent scores, its spread their range. Rounds are
compared by dimension key, so a round on a newer questionnaire version still finds its predecessor.
"""

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from accounts.models import OrgUnit
from maturity.models import SCORES, Answer, Dimension, GapIdea, Item, Round, Target


@dataclass
class Stat:
    n: int
    mean: float
    median: float
    minimum: float
    maximum: float

    @property
    def spread(self) -> float:
        return round(self.maximum - self.minimum, 1)


def stat(values: Sequence[float]) -> Stat | None:
    if not values:
        return None
    return Stat(
        n=len(values),
        mean=round(statistics.fmean(values), 1),
        median=round(statistics.median(values), 1),
        minimum=round(min(values), 1),
        maximum=round(max(values), 1),
    )


@dataclass
class ItemResult:
    item: Item
    stat: Stat | None
    counts: list[int]
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (unit, note)

    @property
    def distribution(self) -> list[tuple[int, int]]:
        return list(zip(SCORES, self.counts, strict=True))


@dataclass
class DimensionResult:
    dimension: Dimension
    stat: Stat | None
    items: list[ItemResult]
    previous: float | None = None
    target: Target | None = None
    gap_idea: GapIdea | None = None
    by_unit: dict[int | None, float | None] = field(default_factory=dict)
    # Median of other municipalities' means, set only by sharing.compare_with_network (k-anonymous).
    network: float | None = None

    @property
    def now(self) -> float | None:
        return self.stat.mean if self.stat else None

    @property
    def gap(self) -> Decimal | None:
        """Target − now, rounded to one decimal; None without a target or without answers."""
        if self.target is None or self.now is None:
            return None
        return (self.target.level - Decimal(str(self.now))).quantize(Decimal("0.1"))

    @property
    def unit_values(self) -> list[float | None]:
        return list(self.by_unit.values())


@dataclass
class RoundResults:
    round: Round
    previous_round: Round | None
    respondents: int
    dimensions: list[DimensionResult]
    units: list[tuple[int | None, str, int]]  # (unit pk, name, respondents)

    def dimension(self, key: str) -> DimensionResult | None:
        return next((d for d in self.dimensions if d.dimension.key == key), None)

    @property
    def gaps(self) -> list[DimensionResult]:
        """Dimensions below their target, and those whose gap already became an idea."""
        return [r for r in self.dimensions if r.gap_idea is not None or (r.gap is not None and r.gap > 0)]


def _respondent_scores(round: Round) -> tuple[dict[str, dict[int, list[float]]], dict[int, int | None]]:
    """Per dimension key, each submitted response's item scores; and each response's unit."""
    rows = Answer.objects.filter(
        response__round=round, response__submitted_at__isnull=False, score__isnull=False
    ).values_list("response_id", "response__unit_id", "item__dimension__key", "score")
    scores: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    units: dict[int, int | None] = {}
    for response, unit, key, score in rows:
        scores[key][response].append(cast(int, score))  # score__isnull=False above
        units[response] = unit
    return scores, units


def dimension_means(round: Round) -> dict[str, Stat | None]:
    """Per dimension key: the aggregate of respondent means (two queries, used for the previous round)."""
    return round_summary(round)[1]


def round_summary(round: Round) -> tuple[int, dict[str, Stat | None]]:
    """How many submitted responses scored anything, and per dimension key the aggregate of respondent means."""
    scores, units = _respondent_scores(round)
    means = {key: stat([statistics.fmean(v) for v in by_response.values()]) for key, by_response in scores.items()}
    return len(units), means


def round_results(round: Round) -> RoundResults:
    dimensions = list(round.questionnaire.dimensions.prefetch_related("items"))
    rows = list(
        Answer.objects.filter(response__round=round, response__submitted_at__isnull=False)
        .order_by("item_id", "response_id")
        .values_list("response_id", "response__unit_id", "item_id", "score", "evidence")
    )
    unit_of: dict[int, int | None] = {}
    by_item: dict[int, list[int]] = defaultdict(list)
    evidence: dict[int, list[tuple[int | None, str]]] = defaultdict(list)
    by_response_item: dict[tuple[int, int], int] = {}
    for response, unit_id, item_id, score, note in rows:
        unit_of[response] = unit_id
        if score is not None:
            by_item[item_id].append(score)
            by_response_item[(response, item_id)] = score
        if note.strip():
            evidence[item_id].append((unit_id, note))
    unit_names: dict[int | None, str] = {
        unit.pk: str(unit) for unit in OrgUnit.objects.filter(pk__in={u for u in unit_of.values() if u is not None})
    }
    targets = {target.dimension_key: target for target in Target.objects.all()}
    gap_ideas = {gap.dimension_key: gap for gap in GapIdea.objects.filter(round=round).select_related("idea")}
    previous_round = round.previous()
    previous = dimension_means(previous_round) if previous_round else {}

    unit_counts: dict[int | None, int] = defaultdict(int)
    for unit in unit_of.values():
        unit_counts[unit] += 1
    unit_order = sorted(unit_counts, key=lambda pk: unit_names.get(pk, "~"))

    results = []
    for dimension in dimensions:
        items = list(dimension.items.all())
        item_results = []
        for item in items:
            values = by_item.get(item.pk, [])
            counts = [values.count(score) for score in SCORES]
            notes = [(unit_names.get(unit, "–"), note) for unit, note in evidence.get(item.pk, [])]
            item_results.append(ItemResult(item=item, stat=stat(values), counts=counts, evidence=notes))
        respondent_means: dict[int, float] = {}
        for response in unit_of:
            scored = [
                by_response_item[(response, item.pk)] for item in items if (response, item.pk) in by_response_item
            ]
            if scored:
                respondent_means[response] = statistics.fmean(scored)
        per_unit: dict[int | None, list[float]] = defaultdict(list)
        for response, value in respondent_means.items():
            per_unit[unit_of[response]].append(value)
        before = previous.get(dimension.key)
        results.append(
            DimensionResult(
                dimension=dimension,
                stat=stat(list(respondent_means.values())),
                items=item_results,
                previous=before.mean if before else None,
                target=targets.get(dimension.key),
                gap_idea=gap_ideas.get(dimension.key),
                by_unit={pk: round_(statistics.fmean(per_unit[pk])) if per_unit.get(pk) else None for pk in unit_order},
            )
        )
    units = [(pk, unit_names.get(pk, "–"), unit_counts[pk]) for pk in unit_order]
    return RoundResults(
        round=round, previous_round=previous_round, respondents=len(unit_of), dimensions=results, units=units
    )


def round_(value: float) -> float:
    return round(value, 1)
