"""Surveys in the API: published surveys with their questions for everyone; results with a staff token."""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from accounts.api import StaffTokenAuth
from config.pagination import Pagination
from surveys.models import Survey
from surveys.results import survey_results

router = Router(tags=["surveys"])


class ChoiceOut(Schema):
    id: int
    label: str


class QuestionOut(Schema):
    id: int
    kind: str
    text: str
    help_text: str
    required: bool
    choices: list[ChoiceOut]

    @staticmethod
    def resolve_choices(obj) -> list:
        return list(obj.choices.all())


class SurveyOut(Schema):
    id: int
    title: str
    introduction: str
    opens_at: datetime
    closes_at: datetime
    audience: str
    anonymous: bool
    phase: str
    field_of_action_id: int | None
    stakeholder_ids: list[int]

    @staticmethod
    def resolve_stakeholder_ids(obj: Survey) -> list[int]:
        return [s.pk for s in obj.stakeholders.all()]


class SurveyDetailOut(SurveyOut):
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj: Survey) -> list:
        return list(obj.questions.all())


class CountOut(Schema):
    label: str
    count: int
    percent: float


class QuestionResultOut(Schema):
    question_id: int
    kind: str
    text: str
    answered: int
    counts: list[CountOut]
    mean: float | None
    text_answers: int


class ResultsOut(Schema):
    survey_id: int
    responses: int
    questions: list[QuestionResultOut]


def _published():
    return Survey.objects.listed().prefetch_related("stakeholders")


@router.get("/surveys", response=list[SurveyOut], summary="Published surveys that anyone may answer, newest first")
@paginate(Pagination)
def survey_list(request: HttpRequest) -> list:
    return _published()


@router.get("/surveys/{survey_id}", response=SurveyDetailOut, summary="One published survey with its questions")
def survey_detail(request: HttpRequest, survey_id: int) -> Survey:
    return get_object_or_404(_published().prefetch_related("questions__choices"), pk=survey_id)


@router.get(
    "/surveys/{survey_id}/results",
    response=ResultsOut,
    auth=StaffTokenAuth(),
    summary="Counts per option and scale value of any survey (staff token); free-text answers only counted",
)
def survey_results_api(request: HttpRequest, survey_id: int) -> dict:
    survey = get_object_or_404(Survey, pk=survey_id)
    return {
        "survey_id": survey.pk,
        "responses": survey.response_count,
        "questions": [
            {
                "question_id": r.question.pk,
                "kind": r.question.kind,
                "text": r.question.text,
                "answered": r.answered,
                "counts": [{"label": b.label, "count": b.count, "percent": b.percent} for b in r.bars],
                "mean": r.mean,
                "text_answers": r.text_total,
            }
            for r in survey_results(survey, texts_per_question=0)
        ],
    }
