"""Lessons learned in the API: published public ones for everyone; with a staff token what that person may read.

Writes (a new draft, sending it to review) need a staff token and go through the same form and
services as the screens, recorded in the audit trail with the token's user as actor.
"""

from datetime import datetime
from decimal import Decimal
from enum import Enum

from auditlog.context import set_actor
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.api import StaffTokenAuth, TokenRequest, optional_token_user
from accounts.models import AnyUser
from config.pagination import Pagination
from core.middleware import AuditlogMiddleware  # the client address behind trusted proxies
from lessons.forms import LessonForm
from lessons.models import Lesson, LessonQuerySet
from lessons.permissions import can_edit_lesson, can_write_lessons, is_author, visible_lessons, visible_project
from lessons.services import LessonError, lesson_save, lesson_submit, tags_from_text
from projects.models import Project

router = Router(tags=["lessons"])

# Distinct names, so they do not clash with other apps' enums in the OpenAPI document.
# The members come from the model's choices, which mypy cannot follow.
LessonOutcome = Enum("LessonOutcome", {value: value for value in Lesson.Outcome.values}, type=str)  # type: ignore[misc]
LessonScope = Enum("LessonScope", {value: value for value in Lesson.Scope.values}, type=str)  # type: ignore[misc]
LessonVisibility = Enum("LessonVisibility", {value: value for value in Lesson.Visibility.values}, type=str)  # type: ignore[misc]
LessonState = Enum("LessonState", {value: value for value in Lesson.State.values}, type=str)  # type: ignore[misc]


class ReaderRequest(HttpRequest):
    """For annotations: a read request after `_visible`, which notes whose rules apply to each lesson's project."""

    lesson_reader: AnyUser


def _visible(request: ReaderRequest) -> LessonQuerySet:
    user = optional_token_user(request)
    # Whose rules apply to what is shown with each lesson (its project): kept for the schema below.
    request.lesson_reader = user or AnonymousUser()
    if user is None:
        return Lesson.objects.public().select_related("project")
    return visible_lessons(user).select_related("project")


class LessonOut(Schema):
    id: int
    title: str
    scope: LessonScope
    project_id: int | None
    outcome: LessonOutcome
    visibility: LessonVisibility
    state: LessonState
    context: str
    what_worked: str
    what_did_not: str
    resistance: str
    conflicts: str
    do_differently: str
    cost_and_effort: str
    cost_eur: Decimal | None
    effort_person_days: int | None
    advice: str
    contact_allowed: bool
    tags: list[str]
    field_of_action_ids: list[int]
    published_at: datetime | None
    updated_at: datetime

    @staticmethod
    def resolve_project_id(obj: Lesson, context: dict) -> int | None:
        """Only a project the reader may see: a public lesson never points at an internal project."""
        request = (context or {}).get("request")
        reader = getattr(request, "lesson_reader", None) or getattr(request, "auth", None) or AnonymousUser()
        project = visible_project(reader, obj)
        return project.pk if project else None

    @staticmethod
    def resolve_tags(obj: Lesson) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_field_of_action_ids(obj: Lesson) -> list[int]:
        return [field.pk for field in obj.fields_of_action.all()]


class LessonFilters(Schema):
    outcome: LessonOutcome | None = None
    scope: LessonScope | None = None
    project_id: int | None = None
    tag: str | None = None
    state: LessonState | None = None


class LessonIn(Schema):
    title: str
    scope: LessonScope = LessonScope("project")
    project_id: int | None = None
    outcome: LessonOutcome = LessonOutcome("too_early")
    visibility: LessonVisibility = LessonVisibility("internal")
    context: str
    what_worked: str = ""
    what_did_not: str = ""
    resistance: str = ""
    conflicts: str = ""
    do_differently: str = ""
    cost_and_effort: str = ""
    cost_eur: Decimal | None = None
    effort_person_days: int | None = None
    advice: str = ""
    contact_allowed: bool = False
    tags: list[str] = []
    field_of_action_ids: list[int] = []


def _lessons():
    return Lesson.objects.select_related("project").prefetch_related("tags", "fields_of_action")


@router.get("/lessons", response=list[LessonOut], summary="Lessons learned, newest first (token optional)")
@paginate(Pagination)
def lesson_list(request: ReaderRequest, filters: Query[LessonFilters]) -> LessonQuerySet:
    lessons = _visible(request).prefetch_related("tags", "fields_of_action").order_by("-published_at", "-pk")
    lessons = lessons.filter_by(
        outcome=filters.outcome.value if filters.outcome else "",
        scope=filters.scope.value if filters.scope else "",
        state=filters.state.value if filters.state else "",
        tag=(filters.tag or "")[:60],
    )
    if filters.project_id is not None:
        # Only a project the reader may see: the lessons of an internal project are not told apart.
        visible = Project.objects.visible_to(request.lesson_reader).filter(pk=filters.project_id)
        lessons = lessons.filter(project__in=visible)
    return lessons


@router.get("/lessons/{lesson_id}", response=LessonOut, summary="One lesson learned (token optional)")
def lesson_detail(request: ReaderRequest, lesson_id: int) -> Lesson:
    return get_object_or_404(_visible(request).prefetch_related("tags", "fields_of_action"), pk=lesson_id)


@router.post(
    "/lessons",
    response={201: LessonOut},
    auth=StaffTokenAuth(),
    summary="Write a lesson learned as a draft (staff token)",
)
def lesson_create(request: TokenRequest, payload: LessonIn) -> Status:
    if not can_write_lessons(request.auth):
        raise HttpError(403, "Only members of the administration write lessons learned.")
    data = payload.dict()
    data["project"] = data.pop("project_id")
    data["fields_of_action"] = data.pop("field_of_action_ids")
    tags = data.pop("tags")
    data["tag_names"] = ", ".join(str(tag) for tag in tags)
    data = {key: (value.value if isinstance(value, Enum) else value) for key, value in data.items()}
    data = {key: value for key, value in data.items() if value is not None}
    form = LessonForm(data=data, instance=Lesson())
    if not form.is_valid():
        raise HttpError(
            422, " ".join(f"{field}: {' '.join(map(str, errors))}" for field, errors in form.errors.items())
        )
    with set_actor(request.auth, remote_addr=AuditlogMiddleware._get_remote_addr(request)):
        lesson = lesson_save(
            lesson=form.instance,
            by=request.auth,
            form_save=form.save,
            expected_version=None,
            tags=tags_from_text(form.cleaned_data["tag_names"]),
        )
    return Status(201, _lessons().get(pk=lesson.pk))


@router.post(
    "/lessons/{lesson_id}/submit",
    response=LessonOut,
    auth=StaffTokenAuth(),
    summary="Send a draft to the strategy team's review (its authors)",
)
def lesson_submit_api(request: TokenRequest, lesson_id: int) -> Lesson:
    lesson = get_object_or_404(visible_lessons(request.auth), pk=lesson_id)
    if not (is_author(request.auth, lesson) or can_edit_lesson(request.auth, lesson)):
        raise HttpError(403, "Only its authors or the strategy team send a lesson to review.")
    try:
        with set_actor(request.auth, remote_addr=AuditlogMiddleware._get_remote_addr(request)):
            lesson_submit(lesson=lesson, by=request.auth)
    except LessonError as error:
        raise HttpError(409, str(error)) from error
    return _lessons().get(pk=lesson.pk)
