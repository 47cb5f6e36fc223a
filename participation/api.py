"""Stakeholders and workshops in the API: internal to read (staff token), the strategy team writes.

The register names people, so every endpoint needs a token of an internal account; writes go
through the same form and model rules as the edit screens and are recorded in the audit trail
with the token's user as actor.
"""

from datetime import date, datetime

from auditlog.context import set_actor
from django.db import transaction
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.api import StaffTokenAuth, TokenRequest
from config.pagination import Pagination
from core.access import require
from core.middleware import AuditlogMiddleware  # the client address behind trusted proxies
from participation.forms import StakeholderForm
from participation.models import Stakeholder, Workshop
from participation.permissions import can_edit_participation, can_see_participation

router = Router(tags=["participation"], auth=StaffTokenAuth())


class StakeholderOut(Schema):
    id: int
    name: str
    kind: str
    category: str
    influence: int
    interest: int
    contact: str
    consent_on: date | None
    notes: str
    created_at: datetime


class StakeholderDetailOut(StakeholderOut):
    idea_ids: list[int]
    workshop_ids: list[int]

    @staticmethod
    def resolve_idea_ids(obj: Stakeholder) -> list[int]:
        return [idea.pk for idea in obj.ideas.all()]

    @staticmethod
    def resolve_workshop_ids(obj: Stakeholder) -> list[int]:
        return [workshop.pk for workshop in obj.workshops.all()]


class StakeholderFilters(Schema):
    category: Stakeholder.Category | None = None
    kind: Stakeholder.Kind | None = None
    q: str | None = None


class StakeholderIn(Schema):
    name: str
    kind: Stakeholder.Kind = Stakeholder.Kind.ORGANISATION
    category: Stakeholder.Category = Stakeholder.Category.OTHER
    influence: int = 3
    interest: int = 3
    contact: str = ""
    consent_on: date | None = None
    notes: str = ""


class StakeholderPatch(Schema):
    """Only the fields sent are changed."""

    name: str | None = None
    kind: Stakeholder.Kind | None = None
    category: Stakeholder.Category | None = None
    influence: int | None = None
    interest: int | None = None
    contact: str | None = None
    consent_on: date | None = None
    notes: str | None = None


class WorkshopOut(Schema):
    id: int
    title: str
    held_on: date
    place: str
    participants: int | None
    outcomes: str


class WorkshopDetailOut(WorkshopOut):
    stakeholder_ids: list[int]
    idea_ids: list[int]

    @staticmethod
    def resolve_stakeholder_ids(obj: Workshop) -> list[int]:
        return [stakeholder.pk for stakeholder in obj.stakeholders.all()]

    @staticmethod
    def resolve_idea_ids(obj: Workshop) -> list[int]:
        return [idea.pk for idea in obj.ideas.all()]


def _stakeholders_with_links():
    return Stakeholder.objects.prefetch_related("ideas", "workshops")


def _save_stakeholder(request: TokenRequest, stakeholder_id: int | None, changes: dict) -> Stakeholder:
    """Validate with the edit screen's form (so the model's rules apply) and save atomically as the token's user.

    For a change the row is locked first, so two PATCHes of different fields do not undo each other.
    """
    with transaction.atomic(), _as_actor(request):
        stakeholder, data = None, {}
        if stakeholder_id is not None:
            stakeholder = get_object_or_404(Stakeholder.objects.select_for_update(), pk=stakeholder_id)
            data = model_to_dict(stakeholder, fields=StakeholderForm.Meta.fields)
        form = StakeholderForm(data={**data, **changes}, instance=stakeholder)
        if not form.is_valid():
            raise HttpError(422, _form_message(form))
        return form.save()


def _form_message(form: StakeholderForm) -> str:
    return " ".join(f"{field}: {' '.join(map(str, messages))}" for field, messages in form.errors.items())


def _as_actor(request: TokenRequest):
    """The audit trail's actor. AuditlogMiddleware only knows the session user, not the token's."""
    return set_actor(
        request.auth,
        remote_addr=AuditlogMiddleware._get_remote_addr(request),
        remote_port=AuditlogMiddleware._get_remote_port(request),
    )


@router.get("/stakeholders", response=list[StakeholderOut], summary="The stakeholder register by name (staff token)")
@paginate(Pagination)
def stakeholder_list(request: TokenRequest, filters: Query[StakeholderFilters]) -> QuerySet[Stakeholder]:
    require(can_see_participation(request.auth))
    stakeholders = Stakeholder.objects.order_by("name", "pk")
    if filters.category:
        stakeholders = stakeholders.filter(category=filters.category)
    if filters.kind:
        stakeholders = stakeholders.filter(kind=filters.kind)
    if filters.q and "\x00" in filters.q:
        stakeholders = stakeholders.none()  # no name holds a NUL character, and PostgreSQL refuses one
    elif filters.q and filters.q.strip():
        stakeholders = stakeholders.filter(name__icontains=filters.q.strip())
    return stakeholders


@router.get(
    "/stakeholders/{stakeholder_id}",
    response=StakeholderDetailOut,
    summary="One stakeholder with the ideas and workshops it is linked to (staff token)",
)
def stakeholder_detail(request: TokenRequest, stakeholder_id: int) -> Stakeholder:
    require(can_see_participation(request.auth))
    return get_object_or_404(_stakeholders_with_links(), pk=stakeholder_id)


@router.post(
    "/stakeholders",
    response={201: StakeholderDetailOut},
    summary="Add a stakeholder; a person only with the date of their consent (strategy team)",
)
def stakeholder_create(request: TokenRequest, payload: StakeholderIn) -> Status:
    require(can_edit_participation(request.auth))
    stakeholder = _save_stakeholder(request, None, payload.model_dump())
    return Status(201, get_object_or_404(_stakeholders_with_links(), pk=stakeholder.pk))


@router.patch(
    "/stakeholders/{stakeholder_id}",
    response=StakeholderDetailOut,
    summary="Change the fields sent of a stakeholder (strategy team)",
)
def stakeholder_update(request: TokenRequest, stakeholder_id: int, payload: StakeholderPatch) -> Stakeholder:
    require(can_edit_participation(request.auth))
    stakeholder = _save_stakeholder(request, stakeholder_id, payload.model_dump(exclude_unset=True))
    return get_object_or_404(_stakeholders_with_links(), pk=stakeholder.pk)


@router.delete("/stakeholders/{stakeholder_id}", response={204: None}, summary="Delete a stakeholder (strategy team)")
def stakeholder_delete(request: TokenRequest, stakeholder_id: int) -> Status:
    require(can_edit_participation(request.auth))
    stakeholder = get_object_or_404(Stakeholder, pk=stakeholder_id)
    with transaction.atomic(), _as_actor(request):
        stakeholder.delete()
    return Status(204, None)


@router.get("/workshops", response=list[WorkshopOut], summary="Workshops, newest first (staff token)")
@paginate(Pagination)
def workshop_list(request: TokenRequest) -> QuerySet[Workshop]:
    require(can_see_participation(request.auth))
    return Workshop.objects.order_by("-held_on", "-pk")


@router.get(
    "/workshops/{workshop_id}",
    response=WorkshopDetailOut,
    summary="One workshop with the groups present and the ideas that came out of it (staff token)",
)
def workshop_detail(request: TokenRequest, workshop_id: int) -> Workshop:
    require(can_see_participation(request.auth))
    return get_object_or_404(Workshop.objects.prefetch_related("stakeholders", "ideas"), pk=workshop_id)
