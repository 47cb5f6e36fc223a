"""Learning offers in the API (staff token): the catalogue, sessions, one's own registration and feedback.

A registration beyond capacity, a second one for the same person or one for a session that began
is refused with 409 and the reason; feedback from someone who did not attend with 403.
"""

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, TypedDict

from auditlog.context import set_actor
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.api import StaffTokenAuth, TokenRequest
from config.pagination import Pagination
from core.middleware import AuditlogMiddleware  # the client address behind trusted proxies
from learning.models import LearningUnit, Registration, Session
from learning.permissions import can_give_feedback, can_use_learning, visible_units
from learning.services import LearningError, feedback_give, registration_cancel, registration_create

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

router = Router(tags=["learning"], auth=StaffTokenAuth())

# The members come from the model's choices, which mypy cannot follow.
LearningFormat = Enum(  # type: ignore[misc]
    "LearningFormat", {value: value for value in LearningUnit.Format.values}, type=str
)


class Booked(TypedDict):
    """What `_sessions` annotates a session with."""

    booked: int


def _check(request: TokenRequest) -> None:
    if not can_use_learning(request.auth):
        raise HttpError(403, "Only members of the administration use the learning offers.")


def _sessions(request: TokenRequest):
    return (
        Session.objects.filter(unit__in=visible_units(request.auth))
        .select_related("unit")
        .annotate(booked=Count("registrations"))
    )


class UnitOut(Schema):
    id: int
    title: str
    topic: str
    summary: str
    duration_minutes: int
    format: LearningFormat
    material_url: str
    has_material_file: bool
    dimension_key: str
    project_ids: list[int]

    @staticmethod
    def resolve_has_material_file(obj: LearningUnit) -> bool:
        return bool(obj.material_file)

    @staticmethod
    def resolve_project_ids(obj: LearningUnit) -> list[int]:
        return [project.pk for project in obj.projects.all()]


class SessionOut(Schema):
    id: int
    unit_id: int
    unit_title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    capacity: int
    booked: int
    free: int

    @staticmethod
    def resolve_unit_title(obj: Session) -> str:
        return obj.unit.title

    @staticmethod
    def resolve_free(obj: "WithAnnotations[Session, Booked]") -> int:
        return max(0, obj.capacity - obj.booked)


class RegistrationOut(Schema):
    session_id: int
    registered_at: datetime
    attended: bool | None
    rating: int | None
    feedback: str


class FeedbackIn(Schema):
    rating: int
    text: str = ""


class UnitFilters(Schema):
    topic: str | None = None
    format: LearningFormat | None = None
    dimension_key: str | None = None


class SessionFilters(Schema):
    unit_id: int | None = None
    past: bool = False


@router.get("/learning/units", response=list[UnitOut], summary="The catalogue of learning units")
@paginate(Pagination)
def unit_list(request: TokenRequest, filters: Query[UnitFilters]) -> list:
    _check(request)
    units = visible_units(request.auth).prefetch_related("projects").order_by("title", "pk")
    return units.filter_by(
        topic=(filters.topic or "")[:100],
        format=filters.format.value if filters.format is not None else "",
        dimension_key=(filters.dimension_key or "")[:50],
    )


@router.get("/learning/units/{unit_id}", response=UnitOut, summary="One learning unit")
def unit_detail(request: TokenRequest, unit_id: int) -> LearningUnit:
    _check(request)
    return get_object_or_404(visible_units(request.auth).prefetch_related("projects"), pk=unit_id)


@router.get("/learning/sessions", response=list[SessionOut], summary="Upcoming sessions (or past ones), by date")
@paginate(Pagination)
def session_list(request: TokenRequest, filters: Query[SessionFilters]) -> list:
    _check(request)
    now = timezone.now()
    sessions = _sessions(request)
    if filters.past:
        sessions = sessions.filter(starts_at__lte=now).order_by("-starts_at", "-pk")
    else:
        sessions = sessions.filter(starts_at__gt=now).order_by("starts_at", "pk")
    if filters.unit_id is not None:
        sessions = sessions.filter(unit_id=filters.unit_id)
    return sessions


@router.get("/learning/sessions/{session_id}", response=SessionOut, summary="One session with its free seats")
def session_detail(request: TokenRequest, session_id: int) -> Session:
    _check(request)
    return get_object_or_404(_sessions(request), pk=session_id)


@router.get(
    "/learning/sessions/{session_id}/registration",
    response=RegistrationOut,
    summary="The token user's registration for a session (404 if none)",
)
def registration_detail(request: TokenRequest, session_id: int) -> Registration:
    _check(request)
    session = get_object_or_404(_sessions(request), pk=session_id)
    return get_object_or_404(Registration, session=session, user=request.auth)


@router.post(
    "/learning/sessions/{session_id}/registration",
    response={201: RegistrationOut},
    summary="Register the token user (refused when full, twice or after the start)",
)
def registration_create_api(request: TokenRequest, session_id: int) -> Status:
    _check(request)
    session = get_object_or_404(_sessions(request), pk=session_id)
    try:
        with set_actor(request.auth, remote_addr=AuditlogMiddleware._get_remote_addr(request)):
            registration = registration_create(session=session, user=request.auth)
    except LearningError as error:
        raise HttpError(409, str(error)) from error
    return Status(201, registration)


@router.delete(
    "/learning/sessions/{session_id}/registration",
    response={204: None},
    summary="Cancel the token user's registration (before the session begins)",
)
def registration_cancel_api(request: TokenRequest, session_id: int) -> Status:
    _check(request)
    session = get_object_or_404(_sessions(request), pk=session_id)
    try:
        with set_actor(request.auth, remote_addr=AuditlogMiddleware._get_remote_addr(request)):
            registration_cancel(session=session, user=request.auth)
    except LearningError as error:
        raise HttpError(409, str(error)) from error
    return Status(204, None)


@router.put(
    "/learning/sessions/{session_id}/feedback",
    response=RegistrationOut,
    summary="Rate a session 1–5 with an optional text (only people who attended)",
)
def feedback_api(request: TokenRequest, session_id: int, payload: FeedbackIn) -> Registration:
    _check(request)
    session = get_object_or_404(_sessions(request), pk=session_id)
    registration = Registration.objects.filter(session=session, user=request.auth).first()
    if not can_give_feedback(request.auth, registration):
        raise HttpError(403, "Only people who attended this session can give feedback on it.")
    try:
        with set_actor(request.auth, remote_addr=AuditlogMiddleware._get_remote_addr(request)):
            return feedback_give(session=session, user=request.auth, rating=payload.rating, text=payload.text)
    except LearningError as error:
        raise HttpError(422, str(error)) from error
