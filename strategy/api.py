from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from strategy.models import FieldOfAction, Goal, Strategy

router = Router(tags=["strategy"])


class GoalOut(Schema):
    id: int
    title: str
    description: str
    indicator: str
    baseline_value: Decimal | None
    target_value: Decimal | None
    unit: str
    target_date: date | None


class FieldOfActionOut(Schema):
    id: int
    title: str
    description: str
    goals: list[GoalOut]


class GlossaryEntryOut(Schema):
    id: int
    term: str
    definition: str


class StrategyOut(Schema):
    title: str
    summary: str
    vision: str
    adopted_on: date | None
    adopted_by: str
    decision_url: str
    updated_at: datetime
    glossary: list[GlossaryEntryOut]
    fields_of_action: list[FieldOfActionOut]


def _goals_prefetch() -> Prefetch:
    return Prefetch("goals", queryset=Goal.objects.order_by("position", "title"))


@router.get("/strategy", response=StrategyOut, summary="The strategy with glossary, fields of action and goals")
def strategy_detail(request: HttpRequest) -> dict:
    strategy = Strategy.objects.current()
    if strategy is None:
        raise HttpError(404, "No strategy has been written yet.")
    fields = strategy.fields_of_action.prefetch_related(_goals_prefetch())
    return {
        **{
            name: getattr(strategy, name)
            for name in ("title", "summary", "vision", "adopted_on", "adopted_by", "decision_url", "updated_at")
        },
        "glossary": list(strategy.glossary_entries.all()),
        "fields_of_action": [
            {"id": f.pk, "title": f.title, "description": f.description, "goals": list(f.goals.all())} for f in fields
        ],
    }


@router.get("/strategy/fields/{field_id}", response=FieldOfActionOut, summary="One field of action with its goals")
def field_detail(request: HttpRequest, field_id: int) -> dict:
    field = get_object_or_404(FieldOfAction.objects.prefetch_related(_goals_prefetch()), pk=field_id)
    return {"id": field.pk, "title": field.title, "description": field.description, "goals": list(field.goals.all())}
