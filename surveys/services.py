"""Survey workflows: building questionnaires, taking answers once per person or link, and turning answers into ideas."""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from ideas.models import Idea
from ideas.services import idea_submit
from surveys.models import Answer, Choice, Invitation, Question, Response, Survey


class SurveyError(Exception):
    """A survey action that is not allowed now; the message is shown to the person."""


def _keyed(kind: str, survey: Survey, value: object) -> str:
    # Keyed hash: the same person gets the same key per survey, but the key does not reveal who it was.
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{survey.pk}:{kind}:{value}".encode(), hashlib.sha256)
    return f"{kind}:{digest.hexdigest()[:40]}"


def respondent_key(
    survey: Survey, *, user: User | None = None, invitation: Invitation | None = None, browser: str = ""
) -> str:
    """The key that makes a second answer of the same person, link or browser impossible."""
    if survey.audience == Survey.Audience.INVITATION:
        if invitation is None:
            raise SurveyError(_("This survey can only be answered with a personal invitation link."))
        return _keyed("i", survey, invitation.pk)
    if user is not None and user.is_authenticated:
        return _keyed("u", survey, user.pk)
    if survey.audience == Survey.Audience.ACCOUNTS:
        raise SurveyError(_("Please log in to answer this survey."))
    if not browser:
        raise SurveyError(_("Your browser did not keep our cookie; please allow cookies for this site."))
    return _keyed("b", survey, browser)


def has_answered(survey: Survey, key: str) -> bool:
    return Response.objects.filter(survey=survey, respondent_key=key).exists()


@dataclass
class GivenAnswer:
    question: Question
    choices: list[Choice]
    value: int | None = None
    text: str = ""


@transaction.atomic
def submit_response(
    *,
    survey: Survey,
    key: str,
    answers: list[GivenAnswer],
    user: User | None = None,
    invitation: Invitation | None = None,
) -> Response:
    """Store one person's answers, all or nothing; a second answer with the same key is refused."""
    if not survey.is_open():
        raise SurveyError(_("This survey is closed; answers are no longer accepted."))
    if invitation is not None:
        used = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(used_at=timezone.now())
        if not used:
            raise SurveyError(_("This invitation link has already been used to answer."))
    try:
        with transaction.atomic():
            response = Response.objects.create(
                survey=survey,
                respondent_key=key,
                respondent=user if user is not None and user.is_authenticated and not survey.anonymous else None,
            )
    except IntegrityError:
        raise SurveyError(_("You have already answered this survey. Thank you!")) from None
    rows = []
    for given in answers:
        if given.choices:
            rows += [Answer(response=response, question=given.question, choice=c) for c in given.choices]
        elif given.value is not None or given.text:
            rows.append(Answer(response=response, question=given.question, value=given.value, text=given.text))
    Answer.objects.bulk_create(rows)
    Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
    return response


def ensure_editable(survey: Survey) -> None:
    """Questions are frozen once someone answered: changing them would falsify the results."""
    if Response.objects.filter(survey=survey).exists():
        raise SurveyError(_("Questions cannot be changed once answers have arrived."))


@transaction.atomic
def question_save(*, question: Question, options: list[str]) -> Question:
    ensure_editable(question.survey)
    if question.pk is None:
        last = question.survey.questions.aggregate(last=Max("position"))["last"]
        question.position = 0 if last is None else last + 1
    question.save()
    if question.has_choices:
        existing = list(question.choices.all())
        for position, label in enumerate(options):
            if position < len(existing):
                choice = existing[position]
                if (choice.label, choice.position) != (label, position):
                    choice.label, choice.position = label, position
                    choice.save(update_fields=["label", "position"])
            else:
                Choice.objects.create(question=question, label=label, position=position)
        for choice in existing[len(options) :]:
            choice.delete()
    else:
        question.choices.all().delete()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    ensure_editable(question.survey)
    question.delete()


@transaction.atomic
def question_move(*, question: Question, up: bool) -> None:
    """Swap the question with its neighbour; positions are renumbered 0..n-1 first."""
    ensure_editable(question.survey)
    questions = list(question.survey.questions.select_for_update().order_by("position", "pk"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    for position, q in enumerate(questions):
        if q.position != position:
            q.position = position
            q.save(update_fields=["position"])


@transaction.atomic
def invitations_create(*, survey: Survey, labels: list[str], stakeholders: list) -> list[Invitation]:
    """New personal links: one per label line and one per chosen stakeholder."""
    invitations = [Invitation(survey=survey, label=label) for label in labels]
    invitations += [Invitation(survey=survey, stakeholder=s, label=s.name) for s in stakeholders]
    created = Invitation.objects.bulk_create(invitations)
    if stakeholders:
        survey.stakeholders.add(*stakeholders)
    return created


@transaction.atomic
def answer_to_idea(*, answer: Answer, idea: Idea, by: User) -> Idea:
    """A free-text answer written up as an idea; the idea keeps the survey as its origin."""
    if answer.idea_id:
        raise SurveyError(_("This answer has already become an idea."))
    idea.source = Idea.Source.SURVEY
    idea = idea_submit(idea=idea, author=by)
    updated = Answer.objects.filter(pk=answer.pk, idea__isnull=True).update(idea=idea)
    if not updated:  # someone else was faster; roll the new idea back
        raise SurveyError(_("This answer has already become an idea."))
    return idea
