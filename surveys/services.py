"""Survey workflows: building questionnaires, taking answers once per person or link, and turning answers into ideas."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from accounts.models import AnyUser, User
from ideas.models import Idea
from ideas.services import idea_submit
from surveys.models import Answer, Choice, Invitation, Participation, Question, Response, Survey


class SurveyError(Exception):
    """A survey action that is not allowed now; the message is shown to the person."""


# Ids of anonymous answers are drawn at random from this range, far above what the database's
# own counter reaches and below 2**53, so they stay exact numbers in JavaScript.
RANDOM_IDS = (2**40, 2**53)


def random_id() -> int:
    return RANDOM_IDS[0] + secrets.randbelow(RANDOM_IDS[1] - RANDOM_IDS[0])


def random_key() -> str:
    return secrets.token_hex(20)


def browser_key(survey: Survey, browser: str) -> str:
    """A keyed hash of the random value in the browser's cookie: the same browser gets the same key per survey."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{survey.pk}:b:{browser}".encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def respondent_key(
    survey: Survey, *, user: AnyUser | None = None, invitation: Invitation | None = None, browser: str = ""
) -> str:
    """The key stored with an answer.

    Only for browsers without an account does it keep a second answer out (through the unique
    constraint); invitation links are marked used and accounts recorded in `Participation`
    instead, and their key is random, so it cannot be computed again from the person or link.
    """
    if survey.audience == Survey.Audience.INVITATION:
        if invitation is None:
            raise SurveyError(_("This survey can only be answered with a personal invitation link."))
        return random_key()
    if user is not None and user.is_authenticated:
        return random_key()
    if survey.audience == Survey.Audience.ACCOUNTS:
        raise SurveyError(_("Please log in to answer this survey."))
    if not browser:
        raise SurveyError(_("Your browser did not keep our cookie; please allow cookies for this site."))
    return browser_key(survey, browser)


def has_answered(
    survey: Survey, key: str = "", *, user: AnyUser | None = None, invitation: Invitation | None = None
) -> bool:
    if invitation is not None:
        return invitation.used
    if user is not None and user.is_authenticated:
        return Participation.objects.filter(survey=survey, user=user).exists()
    return bool(key) and Response.objects.filter(survey=survey, respondent_key=key).exists()


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
    user: AnyUser | None = None,
    invitation: Invitation | None = None,
) -> Response:
    """Store one person's answers, all or nothing; a second answer of the same link, account or browser is refused.

    The link is marked used, or the account recorded as having answered, in the same transaction
    as the answer, but nothing ties the two together (see the module docstring of surveys.models).
    """
    if not survey.is_open():
        raise SurveyError(_("This survey is closed; answers are no longer accepted."))
    account = user if user is not None and user.is_authenticated else None
    signed_in = account is not None
    anonymous = survey.anonymous
    if anonymous and (invitation is not None or signed_in):
        # Answers to one survey take turns, so the rewriting below sees every earlier one.
        list(Survey.objects.select_for_update().filter(pk=survey.pk).values_list("pk"))
    if invitation is not None:
        used = Invitation.objects.filter(pk=invitation.pk, used=False).update(used=True)
        if not used:
            raise SurveyError(_("This invitation link has already been used to answer."))
        if anonymous:
            _blur_markers(Invitation.objects.filter(survey=survey))
    elif account is not None:
        try:
            with transaction.atomic():
                Participation.objects.create(survey=survey, user=account)
        except IntegrityError:
            raise SurveyError(_("You have already answered this survey. Thank you!")) from None
        if anonymous:
            _rewrite_participations(survey)

    def new_id() -> int | None:
        return random_id() if anonymous else None

    try:
        with transaction.atomic():
            response = Response.objects.create(
                pk=new_id(),
                survey=survey,
                respondent_key=key,
                respondent=account if not anonymous else None,
            )
    except IntegrityError:
        raise SurveyError(_("You have already answered this survey. Thank you!")) from None
    rows = []
    for given in answers:
        if given.choices:
            rows += [Answer(pk=new_id(), response=response, question=given.question, choice=c) for c in given.choices]
        elif given.value is not None or given.text:
            rows.append(
                Answer(pk=new_id(), response=response, question=given.question, value=given.value, text=given.text)
            )
    Answer.objects.bulk_create(rows)
    Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
    return response


def _blur_markers(invitations) -> None:
    """Write every invitation of the survey again, unchanged.

    PostgreSQL stamps each row version with the transaction that wrote it (`xmin`). The invitation
    marked used and the answer are written in one transaction; without this, whoever reads the
    database could pair each used invitation with its answer by that stamp. Afterwards all
    invitations of the survey carry the stamp of the latest answer, in their old order (the order
    they were created in), and the single used one cannot be told apart.
    """
    invitations.update(used=F("used"))


def _rewrite_participations(survey: Survey) -> None:
    """The same for "this account has answered": the rows are written anew, ordered by account,
    so neither their stamp nor their place in the table tells which one came with which answer."""
    user_ids = sorted(Participation.objects.filter(survey=survey).values_list("user_id", flat=True))
    Participation.objects.filter(survey=survey).delete()
    Participation.objects.bulk_create([Participation(survey=survey, user_id=pk) for pk in user_ids])


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
