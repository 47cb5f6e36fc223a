from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import require
from core.editing import delete_view, save_form_view
from core.http import AuthenticatedHttpRequest
from lessons.forms import LessonFilterForm, LessonForm, ReviewForm, WithdrawForm
from lessons.models import Lesson
from lessons.permissions import (
    access_lesson,
    can_edit_lesson,
    can_review_lessons,
    can_write_lessons,
    is_author,
    visible_lessons,
    visible_project,
    visible_tags,
)
from lessons.services import (
    LessonError,
    lesson_publish,
    lesson_return,
    lesson_save,
    lesson_submit,
    lesson_withdraw,
    tags_from_text,
)
from projects.models import Project

PAGE_SIZE = 20


def _refused(request: HttpRequest) -> int:
    """A form shown again after a POST was refused (its errors say why): 400, nothing was written."""
    return 400 if request.method == "POST" else 200


def lesson_list(request: HttpRequest) -> HttpResponse:
    internal = can_write_lessons(request.user)
    form = LessonFilterForm(request.GET or None, internal=internal, tags=visible_tags(request.user))
    lessons = visible_lessons(request.user)
    project = None
    if request.GET.get("project", "").isdigit():
        project = Project.objects.visible_to(request.user).filter(pk=request.GET["project"]).first()
        lessons = lessons.filter(project=project) if project else lessons.none()
    data = form.cleaned_data if form.is_valid() else {}  # a value the form does not know filters nothing
    lessons = lessons.filter_by(
        q=data.get("q", ""),
        tag=data.get("tag"),
        field_of_action=data.get("field"),
        scope=data.get("scope", ""),
        state=data.get("state", ""),
    )
    # Outcome counts before the outcome filter, so every outcome (failures too) stays one click away.
    outcome_counts = dict(lessons.order_by().values_list("outcome").annotate(n=Count("pk", distinct=True)))
    lessons = lessons.filter_by(outcome=data.get("outcome", ""))
    sort = request.GET.get("sort", "newest")
    lessons = lessons.sorted_by(sort).select_related("project").prefetch_related("tags")
    page = Paginator(lessons, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "sorts": [("newest", _("newest")), ("oldest", _("oldest")), ("title", _("title"))],
        "outcomes": [(value, label, outcome_counts.get(value, 0)) for value, label in Lesson.Outcome.choices],
        "project": project,
        "can_write": internal,
        "in_review": visible_lessons(request.user).filter(state=Lesson.State.IN_REVIEW).count()
        if can_review_lessons(request.user)
        else 0,
    }
    return render(request, "lessons/lesson_list.html", context)


def lesson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = access_lesson(request.user, pk)
    context = {
        "lesson": lesson,
        "tags": lesson.tags.all(),
        "fields": lesson.fields_of_action.all(),
        "authors": lesson.authors.all() if request.user.is_authenticated and request.user.is_internal else [],
        "can_edit": can_edit_lesson(request.user, lesson),
        "can_submit": lesson.state == Lesson.State.DRAFT
        and (is_author(request.user, lesson) or can_review_lessons(request.user)),
        "can_review": can_review_lessons(request.user),
        "project": visible_project(request.user, lesson),
    }
    return render(request, "lessons/lesson_detail.html", context)


@login_required
def lesson_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    if pk:
        lesson = access_lesson(request.user, pk)
        require(can_edit_lesson(request.user, lesson))
    else:
        require(can_write_lessons(request.user))
        lesson = Lesson()
        project_pk = request.GET.get("project", "")
        if project_pk.isdigit():
            lesson.project = Project.objects.visible_to(request.user).filter(pk=project_pk).first()
    form = LessonForm(request.POST or None, instance=lesson)
    return save_form_view(
        request,
        form=form,
        title=_("Edit lesson learned") if pk else _("New lesson learned"),
        cancel_url=lesson.get_absolute_url() if pk else reverse("lessons:list"),
        template="lessons/lesson_form.html",
        save=lambda: lesson_save(
            lesson=form.instance,
            by=request.user,
            form_save=form.save,
            expected_version=form.cleaned_data.get("version"),
            tags=tags_from_text(form.cleaned_data["tag_names"]),
        ),
        refused=LessonError,
        invalid_status=400,
    )


@login_required
@require_POST
def lesson_submit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    lesson = access_lesson(request.user, pk)
    require(is_author(request.user, lesson) or can_review_lessons(request.user))
    try:
        lesson_submit(lesson=lesson, by=request.user)
    except LessonError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The lesson was sent to the strategy team for review."))
    return redirect(lesson)


@login_required
def lesson_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_review_lessons(request.user))
    lesson = access_lesson(request.user, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "publish":
                lesson_publish(lesson=lesson, by=request.user, note=form.cleaned_data["note"])
                messages.success(request, _("The lesson was published."))
            else:
                lesson_return(lesson=lesson, by=request.user, note=form.cleaned_data["note"])
                messages.success(request, _("The lesson was sent back to its authors."))
        except LessonError as error:
            form.add_error(None, str(error))
        else:
            return redirect(lesson)
    return render(request, "lessons/lesson_review.html", {"form": form, "lesson": lesson}, status=_refused(request))


@login_required
def lesson_withdraw_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_review_lessons(request.user))
    lesson = access_lesson(request.user, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lesson_withdraw(lesson=lesson, by=request.user, note=form.cleaned_data["note"])
        except LessonError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The lesson was withdrawn. It is no longer public."))
            return redirect(lesson)
    return render(request, "lessons/lesson_withdraw.html", {"form": form, "lesson": lesson}, status=_refused(request))


lesson_delete = delete_view(
    lambda user, pk: get_object_or_404(Lesson, pk=pk),
    allowed=can_review_lessons,
    list_url="lessons:list",
    consequences=gettext_lazy(
        "A published lesson is better withdrawn: other municipalities then learn it was withdrawn."
    ),
)
