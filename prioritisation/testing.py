"""Factories for prioritisation tests (here and in core's authorisation matrix)."""

from collections.abc import Iterable
from itertools import count

from accounts.models import User
from ideas.models import Idea
from prioritisation.models import Criterion, Direction, MatrixAxis, PriorityRound
from prioritisation.services import (
    ScoreEntry,
    round_add_candidates,
    round_close,
    round_save,
    round_start_scoring,
    scores_save,
)

_sequence = count(1)


def make_criterion(**overrides) -> Criterion:
    overrides.setdefault("name", f"Kriterium {next(_sequence)}")
    return Criterion.objects.create(**overrides)


def make_two_criteria() -> list[Criterion]:
    """Benefit (higher is better, impact, weight 60) and effort (lower is better, effort, weight 40)."""
    return [
        make_criterion(name="Nutzen", matrix_axis=MatrixAxis.IMPACT, default_weight=60, position=0),
        make_criterion(
            name="Aufwand", direction=Direction.LOWER, matrix_axis=MatrixAxis.EFFORT, default_weight=40, position=1
        ),
    ]


def make_round(
    *,
    team: User,
    ideas: Iterable[Idea] = (),
    assessors: Iterable[User] = (),
    criteria: Iterable[Criterion] | None = None,
    state: str = PriorityRound.State.DRAFT,
    **overrides,
) -> PriorityRound:
    """A round built the way the team builds one; ideas are moved into the pool first."""
    overrides.setdefault("title", f"Runde {next(_sequence)}")
    criteria = list(criteria) if criteria is not None else make_two_criteria()
    priority_round = round_save(
        priority_round=PriorityRound(**overrides), assessors=list(assessors), by=team, criteria=criteria
    )
    ideas = list(ideas)
    if ideas:
        Idea.objects.filter(pk__in=[i.pk for i in ideas]).update(status=Idea.Status.IN_POOL)
        round_add_candidates(priority_round=priority_round, ideas=ideas)
    if state in (PriorityRound.State.SCORING, PriorityRound.State.CLOSED):
        round_start_scoring(priority_round=priority_round)
    if state == PriorityRound.State.CLOSED:
        round_close(priority_round=priority_round, prioritise=(), by=team)
    return priority_round


def score(priority_round: PriorityRound, assessor: User, idea: Idea, **values: int) -> None:
    """Score one idea as one assessor, by criterion name: score(r, user, idea, Nutzen=5, Aufwand=2)."""
    candidate = priority_round.candidates.select_related("priority_round").get(idea=idea)
    criteria = {c.name: c for c in priority_round.criteria.all()}
    entries = [ScoreEntry(round_criterion_id=criteria[name].pk, value=value) for name, value in values.items()]
    scores_save(candidate=candidate, assessor=assessor, entries=entries)
