"""A person's survey data for "download my data", and what deleting their account does to it."""

from typing import Any

from accounts.models import User
from accounts.privacy import register_eraser, register_section
from surveys.models import Answer, Participation, Response


def export_responses(user: User) -> list[dict[str, Any]]:
    """Answers stored with the person's name (surveys that are not anonymous); anonymous ones hold no link to them."""
    responses = list(Response.objects.filter(respondent=user).select_related("survey").order_by("submitted_on", "pk"))
    answers: dict[int, list[dict]] = {}
    for answer in Answer.objects.filter(response__in=responses).select_related("question", "choice").order_by("pk"):
        value = (
            answer.choice.label
            if answer.choice is not None
            else (answer.value if answer.value is not None else answer.text)
        )
        answers.setdefault(answer.response_id, []).append({"question": answer.question.text, "answer": value})
    return [
        {"survey": r.survey.title, "submitted_on": r.submitted_on, "answers": answers.get(r.pk, [])} for r in responses
    ]


def export_participations(user: User) -> list[dict[str, Any]]:
    """The surveys the person answered with their account. For anonymous ones this is all there is:
    which answer was theirs is stored nowhere."""
    participations = Participation.objects.filter(user=user).select_related("survey").order_by("survey__title")
    return [{"survey": p.survey.title, "anonymous": p.survey.anonymous} for p in participations]


def erase_responses(user: User) -> None:
    # Named answers stay and count, without the person. The records of having answered go: the
    # pseudonym that remains of the account cannot log in to answer again.
    Response.objects.filter(respondent=user).update(respondent=None)
    Participation.objects.filter(user=user).delete()


def register() -> None:
    register_section("survey_answers", export_responses)
    register_section("survey_participations", export_participations)
    register_eraser("survey_answers", erase_responses)
