"""Digital maturity in the API (staff token): rounds, their questionnaire and results, and one's own answers.

Public, without a token: the signed aggregate this municipality shares with others when it opted
in (`/exchange/maturity`, see maturity/sharing.py) and its JSON Schema.

Writing answers goes through the same service as the answer page and is recorded in the audit
trail with the token's user as actor. A score outside 0–4 is refused with a 422 and the reason.
"""

from datetime import date, datetime
from enum import Enum
from typing import Any

from auditlog.context import set_actor
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.api import StaffTokenAuth, TokenRequest
from accounts.models import OrgUnit
from config.pagination import Pagination
from core.middleware import AuditlogMiddleware  # the client address behind trusted proxies
from maturity.models import Response, Round
from maturity.permissions import can_see_maturity
from maturity.results import Stat, round_results
from maturity.services import AnswerInput, MaturityError, response_save
from maturity.sharing import aggregate_schema, signed_document

router = Router(tags=["maturity"], auth=StaffTokenAuth())

# The members come from the model's choices, which mypy cannot follow.
MaturityRoundState = Enum("MaturityRoundState", {value: value for value in Round.State.values}, type=str)  # type: ignore[misc]


def _round(request: TokenRequest, round_id: int) -> Round:
    if not can_see_maturity(request.auth):
        raise HttpError(403, "Only members of the administration see the maturity assessment.")
    return get_object_or_404(Round.objects.select_related("questionnaire"), pk=round_id)


class RoundOut(Schema):
    id: int
    title: str
    description: str
    state: MaturityRoundState
    opens_on: date
    closes_on: date | None
    questionnaire_version: int

    @staticmethod
    def resolve_questionnaire_version(obj: Round) -> int:
        return obj.questionnaire.version


class ItemOut(Schema):
    id: int
    text_de: str
    text_en: str
    levels_de: list[str]
    levels_en: list[str]


class DimensionOut(Schema):
    key: str
    title_de: str
    title_en: str
    description_de: str
    description_en: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())


class StatOut(Schema):
    respondents: int
    mean: float
    median: float
    minimum: float
    maximum: float


def _stat(value: Stat | None) -> dict | None:
    if value is None:
        return None
    return {
        "respondents": value.n,
        "mean": value.mean,
        "median": value.median,
        "minimum": value.minimum,
        "maximum": value.maximum,
    }


class ItemResultOut(Schema):
    item_id: int
    text: str
    stat: StatOut | None
    counts: list[int] = Field(description="How many chose level 0, 1, 2, 3 and 4.")


class DimensionResultOut(Schema):
    key: str
    title: str
    stat: StatOut | None
    previous_mean: float | None
    target_level: float | None
    target_horizon: date | None
    gap: float | None
    idea_id: int | None
    items: list[ItemResultOut]


class ResultsOut(Schema):
    round_id: int
    previous_round_id: int | None
    respondents: int
    dimensions: list[DimensionResultOut]


class AnswerIn(Schema):
    item_id: int
    score: int | None = Field(None, description="0 to 4; empty for “cannot judge”.")
    evidence: str = ""


class AnswersIn(Schema):
    unit_id: int | None = None
    submit: bool = False
    answers: list[AnswerIn]


class AnswerOut(Schema):
    item_id: int
    score: int | None
    evidence: str


class AnswersOut(Schema):
    round_id: int
    unit_id: int | None
    submitted_at: datetime | None
    answers: list[AnswerOut]


class RoundFilters(Schema):
    state: MaturityRoundState | None = None


@router.get("/maturity/rounds", response=list[RoundOut], summary="Assessment rounds, newest first")
@paginate(Pagination)
def round_list(request: TokenRequest, filters: Query[RoundFilters]) -> QuerySet[Round]:
    if not can_see_maturity(request.auth):
        raise HttpError(403, "Only members of the administration see the maturity assessment.")
    rounds = Round.objects.select_related("questionnaire").order_by("-opens_on", "-pk")
    if filters.state is not None:
        rounds = rounds.filter(state=filters.state.value)
    return rounds


@router.get("/maturity/rounds/{round_id}", response=RoundOut, summary="One assessment round")
def round_detail(request: TokenRequest, round_id: int) -> Round:
    return _round(request, round_id)


@router.get(
    "/maturity/rounds/{round_id}/questionnaire",
    response=list[DimensionOut],
    summary="The questionnaire version of a round, in German and English",
)
def round_questionnaire(request: TokenRequest, round_id: int) -> list:
    round = _round(request, round_id)
    return list(round.questionnaire.dimensions.prefetch_related("items"))


@router.get("/maturity/rounds/{round_id}/results", response=ResultsOut, summary="Aggregate and spread per dimension")
def round_results_api(request: TokenRequest, round_id: int) -> dict:
    round = _round(request, round_id)
    results = round_results(round)
    return {
        "round_id": round.pk,
        "previous_round_id": results.previous_round.pk if results.previous_round else None,
        "respondents": results.respondents,
        "dimensions": [
            {
                "key": result.dimension.key,
                "title": result.dimension.title,
                "stat": _stat(result.stat),
                "previous_mean": result.previous,
                "target_level": float(result.target.level) if result.target else None,
                "target_horizon": result.target.horizon if result.target else None,
                "gap": float(result.gap) if result.gap is not None else None,
                "idea_id": result.gap_idea.idea_id if result.gap_idea else None,
                "items": [
                    {"item_id": r.item.pk, "text": r.item.text, "stat": _stat(r.stat), "counts": r.counts}
                    for r in result.items
                ],
            }
            for result in results.dimensions
        ],
    }


def _answers_out(round: Round, response: Response | None) -> dict:
    if response is None:
        return {"round_id": round.pk, "unit_id": None, "submitted_at": None, "answers": []}
    return {
        "round_id": round.pk,
        "unit_id": response.unit_id,
        "submitted_at": response.submitted_at,
        "answers": list(response.answers.order_by("item_id").values("item_id", "score", "evidence")),
    }


@router.get("/maturity/rounds/{round_id}/answers", response=AnswersOut, summary="The token user's own answers")
def my_answers(request: TokenRequest, round_id: int) -> dict:
    round = _round(request, round_id)
    return _answers_out(round, Response.objects.filter(round=round, user=request.auth).first())


@router.put(
    "/maturity/rounds/{round_id}/answers",
    response=AnswersOut,
    summary="Save the token user's answers (each replaces an earlier answer to the same item); submit to count them",
)
def save_answers(request: TokenRequest, round_id: int, payload: AnswersIn) -> dict:
    round = _round(request, round_id)
    unit = None
    if payload.unit_id is not None:
        unit = OrgUnit.objects.filter(pk=payload.unit_id).first()
        if unit is None:
            raise HttpError(422, "There is no such unit.")
    if not round.is_open:
        raise HttpError(409, "This round is closed; answers can no longer be changed.")
    answers = [AnswerInput(item_id=a.item_id, score=a.score, evidence=a.evidence) for a in payload.answers]
    try:
        with set_actor(request.auth, remote_addr=AuditlogMiddleware._get_remote_addr(request)):
            response = response_save(round=round, user=request.auth, unit=unit, answers=answers, submit=payload.submit)
    except MaturityError as error:
        raise HttpError(422, str(error)) from error
    return _answers_out(round, response)


@router.get(
    "/exchange/maturity",
    response=dict[str, Any],
    auth=None,
    summary="This municipality's signed maturity aggregate for other installations (404 unless it opted in)",
)
def shared_aggregate(request: HttpRequest) -> dict[str, Any]:
    document = signed_document()
    if document is None:
        raise HttpError(404, "This municipality does not share maturity aggregates.")
    return document


@router.get(
    "/exchange/maturity/schema",
    response=dict[str, Any],
    auth=None,
    summary="JSON Schema of the maturity aggregate, version 1",
)
def shared_aggregate_schema(request: HttpRequest) -> dict[str, Any]:
    return aggregate_schema()
