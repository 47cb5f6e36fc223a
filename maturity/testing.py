"""Factories for the maturity tests and the authorisation matrix."""

from datetime import date

from accounts.models import OrgUnit, User
from maturity.models import Item, Round
from maturity.services import AnswerInput, questionnaire_ensure, response_save, round_create


def make_round(*, team: User, **overrides) -> Round:
    """An open round on the latest questionnaire (the shipped default unless a test made another)."""
    overrides.setdefault("title", "Digitalgrad Test")
    overrides.setdefault("opens_on", date(2026, 3, 1))
    questionnaire_ensure(by=team)
    return round_create(round=Round(**overrides), by=team)


def answer_all(*, round: Round, user: User, unit: OrgUnit | None, score: int, submit: bool = True, evidence: str = ""):
    """The same score for every item of the round."""
    items = Item.objects.filter(dimension__questionnaire=round.questionnaire)
    answers = [AnswerInput(item_id=item.pk, score=score, evidence=evidence) for item in items]
    return response_save(round=round, user=user, unit=unit, answers=answers, submit=submit)
