"""Projects in the API: public projects for everyone, internal ones and writes with a token."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from auditlog.context import set_actor
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.api import StaffTokenAuth, TokenRequest, optional_token_user
from accounts.models import User
from config.pagination import Pagination
from core.access import require
from core.middleware import AuditlogMiddleware  # the client address behind trusted proxies
from ideas.models import Idea
from projects.models import Kpi, LogEntry, Measurement, Milestone, Project
from projects.permissions import can_see_internal_projects, can_work_on_project
from projects.services import ConflictError, ProjectError, log_add, milestone_save

router = Router(tags=["projects"])


# A distinct name: an enum called "Status" would clash with the ideas' one in the OpenAPI document.
# The members of the first two come from the model's choices, which mypy cannot follow.
ProjectStatus = Enum("ProjectStatus", {value: value for value in Project.Status.values}, type=str)  # type: ignore[misc]
ProjectTrack = Enum("ProjectTrack", {value: value for value in Project.Track.values}, type=str)  # type: ignore[misc]
TrackFilter = Enum(
    "TrackFilter", {"running": "running", "on_track": "on_track", "not_on_track": "not_on_track"}, type=str
)


class MilestoneOut(Schema):
    id: int
    title: str
    definition_of_done: str
    due_on: date
    done_on: date | None
    weight: int
    version: int


class KpiOut(Schema):
    id: int
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    measurements: list[dict]

    @staticmethod
    def resolve_measurements(obj: Kpi) -> list[dict]:
        return [{"measured_on": m.measured_on, "value": m.value} for m in obj.measurements.all()]


class ProjectOut(Schema):
    id: int
    title: str
    summary: str
    status: str
    # Public reason for the status; every stopped or suspended project has one.
    status_reason: str
    visibility: str
    progress: int
    milestones_total: int
    milestones_done: int
    running: bool = Field(
        description="Begun and neither completed, stopped nor suspended (in implementation or finalising)."
    )
    track: ProjectTrack | None = Field(
        description="Where a running project stands against its plan; null unless running. on_track: the latest "
        "traffic light in the progress log is green and no milestone is overdue; otherwise off_track (red light), "
        "overdue (a milestone is overdue), at_risk (yellow light) or unrated (no light yet)."
    )
    planned_start: date | None
    planned_end: date | None
    actual_start: date | None
    actual_end: date | None
    unit_id: int | None
    field_of_action_ids: list[int]
    updated_at: datetime

    @staticmethod
    def resolve_field_of_action_ids(obj: Project) -> list[int]:
        return [f.pk for f in obj.fields_of_action.all()]

    @staticmethod
    def resolve_running(obj: Project) -> bool:
        return obj.is_running

    @staticmethod
    def resolve_track(obj: Project) -> str | None:
        return obj.track


class ProjectDetailOut(ProjectOut):
    description: str
    budget_planned: Decimal | None
    budget_spent: Decimal | None
    funding: str
    partners: list[str]
    idea_ids: list[int]
    depends_on_ids: list[int]
    milestones: list[MilestoneOut]
    kpis: list[KpiOut]

    @staticmethod
    def resolve_partners(obj: Project) -> list[str]:
        return obj.partner_list()

    @staticmethod
    def resolve_idea_ids(obj: Project) -> list[int]:
        return [i.pk for i in obj.ideas.all()]

    @staticmethod
    def resolve_depends_on_ids(obj: Project) -> list[int]:
        return [p.pk for p in obj.depends_on.all()]

    @staticmethod
    def resolve_milestones(obj: Project) -> list:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_kpis(obj: Project) -> list:
        return list(obj.kpis.all())


class LogEntryOut(Schema):
    id: int
    entry_date: date
    # Empty on an entry that records a status change: then `status` is the new status and `happened` its reason.
    light: str
    status: str
    happened: str
    next_steps: str
    blockers: str


class LogEntryIn(Schema):
    entry_date: date | None = None
    light: LogEntry.Light = LogEntry.Light.GREEN
    happened: str
    next_steps: str = ""
    blockers: str = ""


class MilestoneIn(Schema):
    title: str
    definition_of_done: str
    due_on: date
    done_on: date | None = None
    weight: int = 1


class MilestonePatch(Schema):
    version: int
    title: str | None = None
    definition_of_done: str | None = None
    due_on: date | None = None
    done_on: date | None = None
    weight: int | None = None


class MeasurementIn(Schema):
    measured_on: date
    value: Decimal


class ProjectFilters(Schema):
    status: ProjectStatus | None = None
    track: TrackFilter | None = Field(
        None, description="running, on_track (running and on track) or not_on_track (running, not on track)"
    )
    unit: int | None = None
    field_of_action: int | None = None


def _visible(request: HttpRequest):
    return _visible_to(optional_token_user(request))


def _visible_to(user: User | None):
    projects = Project.objects.all() if user and can_see_internal_projects(user) else Project.objects.public()
    return projects.with_track().prefetch_related("fields_of_action")


def _project_for_work(request: TokenRequest, project_id: int) -> Project:
    project = get_object_or_404(Project, pk=project_id)
    require(can_work_on_project(request.auth, project))
    return project


def _as_actor(request: TokenRequest):
    """The audit trail's actor: AuditlogMiddleware only knows the session user, not the token's."""
    return set_actor(request.auth, remote_addr=AuditlogMiddleware._get_remote_addr(request))


def _validated(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise HttpError(422, " ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())) from error


@router.get(
    "/projects",
    response=list[ProjectOut],
    summary="Projects (internal ones with a staff token)",
)
@paginate(Pagination)
def project_list(request: HttpRequest, filters: Query[ProjectFilters]) -> list:
    projects = _visible(request).filter_by(
        status=filters.status.value if filters.status else "",
        track=filters.track.value if filters.track else "",
        unit=filters.unit,
        field_of_action=filters.field_of_action,
    )
    return projects.sorted_by("title")


@router.get(
    "/projects/{project_id}",
    response=ProjectDetailOut,
    summary="One project with milestones and key figures",
)
def project_detail(request: HttpRequest, project_id: int) -> Project:
    # Linked ideas and projects count only as far as the reader may see them: the ids of an
    # unpublished idea or an internal project would tell that it exists.
    user = optional_token_user(request)
    return get_object_or_404(
        _visible_to(user).prefetch_related(
            Prefetch("ideas", queryset=Idea.objects.visible_to(user or AnonymousUser()).only("pk")),
            Prefetch("depends_on", queryset=Project.objects.visible_to(user or AnonymousUser()).only("pk")),
            "milestones",
            "kpis__measurements",
        ),
        pk=project_id,
    )


@router.get(
    "/projects/{project_id}/log",
    response=list[LogEntryOut],
    summary="The progress log, newest first",
)
@paginate(Pagination)
def project_log(request: HttpRequest, project_id: int) -> list:
    project = get_object_or_404(_visible(request), pk=project_id)
    return project.log_entries.all()


@router.post(
    "/projects/{project_id}/log",
    response={201: LogEntryOut},
    auth=StaffTokenAuth(),
    summary="Write a progress log entry (project members)",
)
def project_log_add(request: TokenRequest, project_id: int, payload: LogEntryIn) -> tuple[int, LogEntry]:
    project = _project_for_work(request, project_id)
    entry = LogEntry(project=project, author=request.auth, **payload.dict(exclude_none=True))
    _validated(entry)
    with _as_actor(request):
        return 201, log_add(entry=entry, by=request.auth)


@router.post(
    "/projects/{project_id}/milestones", response={201: MilestoneOut}, auth=StaffTokenAuth(), summary="Add a milestone"
)
def milestone_create(request: TokenRequest, project_id: int, payload: MilestoneIn) -> tuple[int, Milestone]:
    project = _project_for_work(request, project_id)
    milestone = Milestone(project=project, **payload.dict())
    _validated(milestone)
    try:
        with _as_actor(request):
            return 201, milestone_save(milestone=milestone, expected_version=None)
    except ProjectError as error:
        raise HttpError(422, str(error)) from error


@router.patch(
    "/milestones/{milestone_id}",
    response=MilestoneOut,
    auth=StaffTokenAuth(),
    summary="Change a milestone; send the version you read (409 on a conflict)",
)
def milestone_update(request: TokenRequest, milestone_id: int, payload: MilestonePatch) -> Milestone:
    milestone = get_object_or_404(Milestone.objects.select_related("project"), pk=milestone_id)
    _project_for_work(request, milestone.project_id)
    for name, value in payload.dict(exclude_unset=True).items():
        if name != "version":
            setattr(milestone, name, value)
    _validated(milestone)
    try:
        with _as_actor(request):
            return milestone_save(milestone=milestone, expected_version=payload.version)
    except ConflictError as error:
        raise HttpError(409, str(error)) from error
    except ProjectError as error:
        raise HttpError(422, str(error)) from error


@router.post(
    "/kpis/{kpi_id}/measurements",
    response={201: dict},
    auth=StaffTokenAuth(),
    summary="Record a dated value of a key figure",
)
def measurement_create(request: TokenRequest, kpi_id: int, payload: MeasurementIn) -> tuple[int, dict]:
    kpi = get_object_or_404(Kpi, pk=kpi_id)
    _project_for_work(request, kpi.project_id)
    with transaction.atomic(), _as_actor(request):
        if Measurement.objects.filter(kpi=kpi, measured_on=payload.measured_on).exists():
            raise HttpError(422, "There is already a value for this day.")
        measurement = Measurement.objects.create(kpi=kpi, **payload.dict())
    return 201, {"id": measurement.pk, "measured_on": measurement.measured_on, "value": measurement.value}
