from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import ratelimit
from core.access import require
from core.editing import confirm_delete_view, save_form_view
from core.exports import csv_response, dated_filename, table_response
from core.http import AuthenticatedHttpRequest
from participation.forms import OutcomeIdeaForm
from surveys import exports
from surveys.forms import AnonymousAnswerForm, AnswerForm, InvitationForm, QuestionForm, SurveyForm
from surveys.models import Answer, Invitation, Question, Survey
from surveys.permissions import can_manage_surveys, can_see_results, can_see_survey
from surveys.results import CHART_WIDTH, survey_results
from surveys.services import (
    SurveyError,
    answer_to_idea,
    ensure_editable,
    has_answered,
    invitations_create,
    question_delete,
    question_move,
    question_save,
    respondent_key,
    submit_response,
)

BROWSER_COOKIE = "etappe_survey"
BROWSER_COOKIE_SALT = "surveys.browser"
ANSWERS_PER_ADDRESS_AND_HOUR = 20


def survey_list(request: HttpRequest) -> HttpResponse:
    manage = can_manage_surveys(request.user)
    surveys = Survey.objects.all() if manage else Survey.objects.listed()
    phase = request.GET.get("phase", "")
    now = timezone.now()
    if phase == "open":
        surveys = surveys.filter(is_published=True, opens_at__lte=now, closes_at__gt=now)
    elif phase == "closed":
        surveys = surveys.filter(closes_at__lte=now)
    page = Paginator(surveys.select_related("field_of_action"), 20).get_page(request.GET.get("page"))
    return render(request, "surveys/survey_list.html", {"page": page, "can_manage": manage, "phase": phase})


def _browser_key(request: HttpRequest) -> tuple[str, bool]:
    """A random key per browser for open surveys answered without an account; (key, is_new)."""
    key = request.get_signed_cookie(BROWSER_COOKIE, default="", salt=BROWSER_COOKIE_SALT)
    return (key, False) if key else (get_random_string(32), True)


def _answer_page(request: HttpRequest, survey: Survey, invitation: Invitation | None = None) -> HttpResponse:
    questions = list(survey.questions.prefetch_related("choices"))
    browser, new_browser = _browser_key(request)
    anonymous_form = survey.audience == Survey.Audience.OPEN and not request.user.is_authenticated
    form_class = AnonymousAnswerForm if anonymous_form else AnswerForm
    form = form_class(request.POST if request.method == "POST" else None, questions=questions)
    problem = ""
    status = 200
    try:
        key = respondent_key(survey, user=request.user, invitation=invitation, browser=browser)
    except SurveyError as error:
        key, problem = "", str(error)
    if not survey.is_open():
        problem = (
            _("This survey is closed; answers are no longer accepted.")
            if survey.is_published and timezone.now() >= survey.closes_at
            else _("This survey is not open yet.")
        )
    elif invitation is not None and invitation.used:
        problem = _("This invitation link has already been used to answer. Thank you!")
    elif key and has_answered(survey, key, user=request.user, invitation=invitation):
        problem = _("You have already answered this survey. Thank you!")
    if request.method == "POST":
        if problem:
            status = 403
        elif anonymous_form and not ratelimit.allow(
            request, scope="survey-answer", limit=ANSWERS_PER_ADDRESS_AND_HOUR, window_seconds=3600
        ):
            problem, status = _("Too many answers from your network. Please try again in an hour."), 429
        elif form.is_valid():
            try:
                submit_response(
                    survey=survey,
                    key=key,
                    answers=form.given_answers(),
                    user=request.user,
                    invitation=invitation,
                )
            except SurveyError as error:
                problem, status = str(error), 409
            else:
                response = render(request, "surveys/thanks.html", {"survey": survey})
                return _keep_browser(response, survey, browser, new_browser)
    context = {
        "survey": survey,
        "form": form,
        "problem": problem,
        "invitation": invitation,
        "can_manage": can_manage_surveys(request.user),
        "login_needed": survey.audience == Survey.Audience.ACCOUNTS and not request.user.is_authenticated,
    }
    response = render(request, "surveys/survey_answer.html", context, status=status)
    return _keep_browser(response, survey, browser, new_browser)


def _keep_browser(response: HttpResponse, survey: Survey, browser: str, new_browser: bool) -> HttpResponse:
    if new_browser and survey.audience == Survey.Audience.OPEN:
        response.set_signed_cookie(
            BROWSER_COOKIE,
            browser,
            salt=BROWSER_COOKIE_SALT,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(Survey, pk=pk)
    if not can_see_survey(request.user, survey):
        raise Http404
    return _answer_page(request, survey)


def survey_invited(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("survey"), token=token)
    if not invitation.survey.is_published:
        raise Http404
    return _answer_page(request, invitation.survey, invitation)


@login_required
def survey_manage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_surveys(request.user))
    survey = get_object_or_404(Survey.objects.select_related("field_of_action"), pk=pk)
    context = {
        "survey": survey,
        "questions": survey.questions.prefetch_related("choices"),
        "locked": survey.response_count > 0,
        "invitation_count": survey.invitations.count(),
        "stakeholders": survey.stakeholders.only("pk", "name"),
    }
    return render(request, "surveys/survey_manage.html", context)


@login_required
def survey_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    require(can_manage_surveys(request.user))
    survey = get_object_or_404(Survey, pk=pk) if pk else None
    form = SurveyForm(request.POST or None, instance=survey)
    if survey is None:
        form.instance.created_by = request.user
        now = timezone.localtime().replace(second=0, microsecond=0)
        form.initial.setdefault("opens_at", now)
        form.initial.setdefault("closes_at", now + timedelta(days=28))
    return save_form_view(
        request,
        form=form,
        title=_("Edit survey") if survey else _("New survey"),
        cancel_url=reverse("surveys:manage", args=[survey.pk]) if survey else reverse("surveys:list"),
        success_url=lambda saved: reverse("surveys:manage", args=[saved.pk]),
    )


@login_required
def survey_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_surveys(request.user))
    survey = get_object_or_404(Survey, pk=pk)
    consequences = ""
    if survey.response_count:
        consequences = _("Its %(count)d answers are deleted with it. Export them first if you need them.") % {
            "count": survey.response_count
        }
    return confirm_delete_view(
        request,
        obj=survey,
        cancel_url=reverse("surveys:manage", args=[survey.pk]),
        success_url=reverse("surveys:list"),
        consequences=consequences,
    )


@login_required
def question_edit(
    request: AuthenticatedHttpRequest, survey_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    require(can_manage_surveys(request.user))
    if pk:
        question = get_object_or_404(Question.objects.select_related("survey"), pk=pk)
        survey = question.survey
    else:
        survey = get_object_or_404(Survey, pk=survey_pk)
        question = Question(survey=survey)
    manage_url = reverse("surveys:manage", args=[survey.pk])
    try:
        ensure_editable(survey)
    except SurveyError as error:
        messages.error(request, str(error))
        return redirect(manage_url)
    form = QuestionForm(request.POST or None, instance=question)
    return save_form_view(
        request,
        form=form,
        title=_("Edit question") if pk else _("New question"),
        cancel_url=manage_url,
        success_url=f"{manage_url}#questions",
        template="surveys/question_form.html",
        context={"survey": survey},
        save=lambda: question_save(question=form.save(commit=False), options=form.cleaned_data["option_list"]),
        refused=SurveyError,
        refusal_as_message=True,
        message=_("The question was saved."),
    )


@login_required
def question_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_surveys(request.user))
    question = get_object_or_404(Question.objects.select_related("survey"), pk=pk)
    manage_url = reverse("surveys:manage", args=[question.survey_id])
    return confirm_delete_view(
        request,
        obj=question,
        cancel_url=manage_url,
        success_url=f"{manage_url}#questions",
        delete=lambda: question_delete(question=question),
        refused=SurveyError,
        message=_("The question was deleted."),
    )


@login_required
@require_POST
def question_reorder(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_surveys(request.user))
    question = get_object_or_404(Question.objects.select_related("survey"), pk=pk)
    try:
        question_move(question=question, up=request.POST.get("direction") == "up")
    except SurveyError as error:
        messages.error(request, str(error))
    return redirect(reverse("surveys:manage", args=[question.survey_id]) + f"#question-{question.pk}")


@login_required
def invitations(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_surveys(request.user))
    survey = get_object_or_404(Survey, pk=pk)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = invitations_create(
            survey=survey, labels=form.cleaned_data["label_list"], stakeholders=form.cleaned_data["stakeholders"]
        )
        messages.success(request, _("%(count)d personal links were created.") % {"count": len(created)})
        return redirect("surveys:invitations", survey.pk)
    page = Paginator(survey.invitations.select_related("stakeholder"), 50).get_page(request.GET.get("page"))
    return render(request, "surveys/invitations.html", {"survey": survey, "form": form, "page": page})


@login_required
def invitations_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_surveys(request.user))
    survey = get_object_or_404(Survey, pk=pk)
    table = exports.invitations_table(survey)
    return csv_response(table, filename=f"einladungen-{survey.pk}.csv")


@login_required
def results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_see_results(request.user))
    survey = get_object_or_404(Survey.objects.select_related("field_of_action"), pk=pk)
    context = {
        "survey": survey,
        "results": survey_results(survey),
        "chart_width": CHART_WIDTH,
        "can_manage": can_manage_surveys(request.user),
    }
    return render(request, "surveys/results.html", context)


@login_required
def text_answers(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_see_results(request.user))
    question = get_object_or_404(Question.objects.select_related("survey"), pk=pk, kind=Question.Kind.TEXT)
    answers = Answer.objects.filter(question=question).exclude(text="").select_related("idea").order_by("-pk")
    page = Paginator(answers, 50).get_page(request.GET.get("page"))
    context = {
        "question": question,
        "survey": question.survey,
        "page": page,
        "can_manage": can_manage_surveys(request.user),
    }
    return render(request, "surveys/text_answers.html", context)


@login_required
def export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    require(can_see_results(request.user))
    if fmt not in ("csv", "xlsx"):
        raise Http404
    survey = get_object_or_404(Survey, pk=pk)
    return table_response(fmt, exports.survey_table(survey), filename=dated_filename(f"umfrage-{survey.pk}", fmt))


@login_required
def answer_idea(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Turn a free-text answer into an idea that keeps the survey as its origin."""
    require(can_manage_surveys(request.user))
    answer = get_object_or_404(Answer.objects.select_related("question__survey"), pk=pk, question__kind="text")
    if answer.idea is not None:
        messages.info(request, _("This answer has already become an idea."))
        return redirect(answer.idea)
    survey = answer.question.survey
    initial = {
        "title": answer.text[:80].split("\n")[0],
        "description": answer.text,
        "field_of_action": survey.field_of_action_id,
    }
    form = OutcomeIdeaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            idea = answer_to_idea(answer=answer, idea=form.save(commit=False), by=request.user)
        except SurveyError as error:
            messages.error(request, str(error))
            return redirect("surveys:results", survey.pk)
        messages.success(request, _("The answer is now an idea in the pool."))
        return redirect(idea)
    context = {"form": form, "answer": answer, "survey": survey}
    return render(request, "surveys/answer_idea.html", context)
