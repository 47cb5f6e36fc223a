"""Prioritisation in the API (staff token): criteria, rounds, rankings, and an assessor's own scores.

Reads follow the pages: the catalogue for the administration, rounds and rankings as
`prioritisation.permissions` allows. Scores: assessors see and write their own while the round is
in scoring; all scores are readable once it is closed, and by the strategy team at any time.
"""

from datetime import date, datetime

from auditlog.context import set_actor
from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from accounts.api import StaffTokenAuth, TokenRequest
from core.access import require
from core.middleware import AuditlogMiddleware  # the client address behind trusted proxies
from prioritisation.models import COMMENT_MAX, Candidate, Criterion, PriorityRound, Score
from prioritisation.permissions import (
    access_round,
    can_manage_prioritisation,
    can_see_ranking,
    is_assessor,
    visible_rounds,
)
from prioritisation.ranking import load_matrix, rank
from prioritisation.services import PrioritisationError, ScoreEntry, scores_save

router = Router(tags=["prioritisation"], auth=StaffTokenAuth())


class CriterionOut(Schema):
    id: int
    name: str
    description: str
    scale_min: int
    scale_max: int
    direction: str
    matrix_axis: str
    derived: bool
    default_weight: int
    is_active: bool
    position: int


class RoundCriterionOut(Schema):
    id: int
    name: str
    description: str
    scale_min: int
    scale_max: int
    direction: str
    matrix_axis: str
    derived: bool
    weight: int


class CandidateOut(Schema):
    id: int
    idea_id: int
    title: str

    @staticmethod
    def resolve_title(obj: Candidate) -> str:
        return obj.idea.title


class RoundOut(Schema):
    id: int
    title: str
    description: str
    state: str
    due_on: date | None
    created_at: datetime
    scoring_started_at: datetime | None
    closed_at: datetime | None


class RoundDetailOut(RoundOut):
    criteria: list[RoundCriterionOut]
    candidates: list[CandidateOut]
    assessor_ids: list[int]

    @staticmethod
    def resolve_criteria(obj: PriorityRound) -> list:
        return list(obj.criteria.order_by("position", "pk"))

    @staticmethod
    def resolve_candidates(obj: PriorityRound) -> list:
        return list(obj.candidates.select_related("idea").order_by("idea__title", "pk"))

    @staticmethod
    def resolve_assessor_ids(obj: PriorityRound) -> list[int]:
        return list(obj.assessors.order_by("pk").values_list("pk", flat=True))


class ContributionOut(Schema):
    criterion_id: int
    points: float
    mean_value: float | None
    scores: int
    spread: float | None


class RankedOut(Schema):
    rank: int
    candidate_id: int
    idea_id: int
    title: str
    total: float
    contributions: list[ContributionOut]
    spread: float | None
    completeness: float


class RankingOut(Schema):
    round_id: int
    weights: dict[int, float]
    candidates: list[RankedOut]


class ScoreOut(Schema):
    candidate_id: int
    criterion_id: int
    assessor_id: int
    value: int
    comment: str


class ScoreIn(Schema):
    candidate_id: int
    criterion_id: int
    value: int | None = Field(description="A value within the criterion's scale; null removes an earlier score.")
    comment: str = Field("", max_length=COMMENT_MAX)


class ScoresSavedOut(Schema):
    changed: int


def _round(request: TokenRequest, round_id: int) -> PriorityRound:
    return access_round(request.auth, round_id)


@router.get("/prioritisation/criteria", response=list[CriterionOut], summary="The criteria catalogue")
def criteria_list(request: HttpRequest) -> list:
    return list(Criterion.objects.all())


@router.get(
    "/prioritisation/rounds",
    response=list[RoundOut],
    summary="Priority rounds the token's user may see (the team all, others closed rounds and those they assess)",
)
def round_list(request: TokenRequest) -> list:
    return list(visible_rounds(request.auth).order_by("-created_at", "-pk"))


@router.get("/prioritisation/rounds/{round_id}", response=RoundDetailOut, summary="One round with its frozen criteria")
def round_detail(request: TokenRequest, round_id: int) -> PriorityRound:
    return _round(request, round_id)


@router.get(
    "/prioritisation/rounds/{round_id}/ranking",
    response=RankingOut,
    summary="The ranking with each criterion's contribution (points of 100) and the assessors' spread (0..1)",
)
def round_ranking(request: TokenRequest, round_id: int) -> dict:
    priority_round = _round(request, round_id)
    require(can_see_ranking(request.auth, priority_round) and not priority_round.is_draft)
    result = rank(load_matrix(priority_round))
    return {
        "round_id": priority_round.pk,
        "weights": {col.id: share for col, share in result.weighted_columns},
        "candidates": [
            {
                "rank": r.rank,
                "candidate_id": r.row.id,
                "idea_id": r.row.idea_id,
                "title": r.row.title,
                "total": r.total,
                "contributions": [
                    {
                        "criterion_id": c.column.id,
                        "points": c.points,
                        "mean_value": c.value,
                        "scores": c.count,
                        "spread": c.spread,
                    }
                    for c in r.contributions
                ],
                "spread": r.spread,
                "completeness": r.completeness,
            }
            for r in result.rows
        ],
    }


@router.get(
    "/prioritisation/rounds/{round_id}/scores",
    response=list[ScoreOut],
    summary="Scores: your own while the round is in scoring; all once it is closed (the team: always all)",
)
def round_scores(request: TokenRequest, round_id: int) -> list:
    priority_round = _round(request, round_id)
    scores = Score.objects.filter(candidate__priority_round=priority_round).order_by("pk")
    if not (priority_round.is_closed or can_manage_prioritisation(request.auth)):
        scores = scores.filter(assessor=request.auth)
    return [
        {
            "candidate_id": s.candidate_id,
            "criterion_id": s.round_criterion_id,
            "assessor_id": s.assessor_id,
            "value": s.value,
            "comment": s.comment,
        }
        for s in scores
    ]


@router.put(
    "/prioritisation/rounds/{round_id}/scores",
    response=ScoresSavedOut,
    summary="Save your own scores as an assessor of a round in scoring (all or nothing)",
)
def round_scores_save(request: TokenRequest, round_id: int, payload: list[ScoreIn]) -> dict:
    priority_round = _round(request, round_id)
    require(is_assessor(request.auth, priority_round))
    candidates = {c.pk: c for c in Candidate.objects.filter(priority_round=priority_round).select_related("idea")}
    by_candidate: dict[int, list[ScoreEntry]] = {}
    for item in payload:
        if item.candidate_id not in candidates:
            raise HttpError(422, f"Candidate {item.candidate_id} is not in this round.")
        entry = ScoreEntry(round_criterion_id=item.criterion_id, value=item.value, comment=item.comment)
        by_candidate.setdefault(item.candidate_id, []).append(entry)
    changed = 0
    try:
        # The audit trail's actor: AuditlogMiddleware only knows the session user, not the token's.
        with transaction.atomic(), set_actor(request.auth, remote_addr=AuditlogMiddleware._get_remote_addr(request)):
            for candidate_id, entries in by_candidate.items():
                candidate = candidates[candidate_id]
                candidate.priority_round = priority_round
                changed += scores_save(candidate=candidate, assessor=request.auth, entries=entries)
    except PrioritisationError as error:
        status = 409 if not priority_round.is_scoring else 422
        raise HttpError(status, str(error)) from None
    return {"changed": changed}
