"""A person's survey data for "download my data", and what deleting their account does to it."""

from typing import Any

from accounts.models import User
from accounts.privacy import register_eraser, register_section
from surveys.models import Answer, Response


def export_responses(user: User) -> list[dict[str, Any]]:
    """Answers stored with the person's name (surveys that are not anonymous); anonymous ones hold no link to them."""
    responses = list(Response.objects.filter(respondent=user).select_related("survey").order_by("submitted_at"))
    answers: dict[int, list[dict]] = {}
    for answer in Answer.objects.filter(response__in=responses).select_related("question", "choice").order_by("pk"):
        value = answer.choice.label if answer.choice_id else (answer.value if answer.value is not None else answer.text)
        answers.setdefault(answer.response_id, []).append({"question": answer.question.text, "answer": value})
    return [
        {"survey": r.survey.title, "submitted_at": r.submitted_at, "answers": answers.get(r.pk, [])} for r in responses
    ]


def erase_responses(user: User) -> None:
    # The answers stay and count, without the person; the unique key keeps them from answering twice
    # only as long as the account exists, which it no longer does.
    Response.objects.filter(respondent=user).update(respondent=None)


def register() -> None:
    register_section("survey_answers", export_responses)
    register_eraser("survey_answers", erase_responses)
