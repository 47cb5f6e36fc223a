"""A person's answers to the maturity self-assessment for "download my data", and what deleting their account does.

The answers stay (the round's results must not change when someone leaves), but they lose the
person: the response becomes anonymous and keeps only the unit it was given for.
"""

from typing import Any

from accounts.models import User
from accounts.privacy import register_eraser, register_section
from maturity.models import GapIdea, Questionnaire, Response, Round


def export_maturity(user: User) -> list[dict[str, Any]]:
    responses = Response.objects.filter(user=user).select_related("round", "unit").prefetch_related("answers__item")
    return [
        {
            "round": response.round.title,
            "unit": str(response.unit) if response.unit else None,
            "submitted_at": response.submitted_at,
            "answers": [
                {"item": answer.item.text_de, "score": answer.score, "evidence": answer.evidence}
                for answer in sorted(response.answers.all(), key=lambda answer: answer.item_id)
            ],
        }
        for response in responses.order_by("pk")
    ]


def erase_maturity(user: User) -> None:
    Response.objects.filter(user=user).update(user=None)
    Round.objects.filter(created_by=user).update(created_by=None)
    Questionnaire.objects.filter(created_by=user).update(created_by=None)
    GapIdea.objects.filter(created_by=user).update(created_by=None)


def register() -> None:
    register_section("maturity", export_maturity)
    register_eraser("maturity", erase_maturity)
