"""The service inventory in the API: catalogue and the municipality's data (staff token); updates as in the edit form."""

from datetime import date, datetime

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.api import StaffTokenAuth, TokenRequest
from config.pagination import Pagination
from core.access import require
from core.middleware import AuditlogMiddleware  # the client address behind trusted proxies
from municipality.models import Municipality
from service_inventory.applicability import Scope
from service_inventory.forms import SORTS, LocalServiceForm
from service_inventory.models import LocalService, Service
from service_inventory.permissions import can_edit_service, can_manage_services, can_see_inventory, local_of
from service_inventory.search import search_services
from service_inventory.services import local_service_save

router = Router(tags=["services"], auth=StaffTokenAuth())
MAX_ID = 2**31 - 1


class LocalOut(Schema):
    provided: bool
    unit_id: int | None
    unit_name: str | None
    level: int
    online_url: str
    cases_per_year: int | None
    target_level: int | None
    target_date: date | None
    pain_points: str
    updated_at: datetime

    @staticmethod
    def resolve_unit_name(obj: LocalService) -> str | None:
        return str(obj.unit) if obj.unit_id else None


class ServiceOut(Schema):
    id: int
    key: str
    leika_key: str
    name: str
    leistungstyp: str
    legal_basis: str
    scope: str = Field(description="Who carries the service out: " + ", ".join(Scope.values))
    states: list[str] = Field(description="Codes of the federal states the service is specific to; empty: all")
    ozg_id: int | None
    ozg_name: str | None
    themenfeld: str | None
    lebenslage: str | None
    local: LocalOut | None

    @staticmethod
    def resolve_states(obj: Service) -> list[str]:
        return obj.states.split()

    @staticmethod
    def resolve_ozg_id(obj: Service) -> int | None:
        return obj.ozg.ozg_id if obj.ozg is not None else None

    @staticmethod
    def resolve_ozg_name(obj: Service) -> str | None:
        return obj.ozg.name if obj.ozg is not None else None

    @staticmethod
    def resolve_themenfeld(obj: Service) -> str | None:
        return obj.ozg.themenfeld if obj.ozg is not None else None

    @staticmethod
    def resolve_lebenslage(obj: Service) -> str | None:
        return obj.ozg.lebenslage if obj.ozg is not None else None

    @staticmethod
    def resolve_local(obj: Service) -> LocalService | None:
        return local_of(obj)


class LevelChangeOut(Schema):
    level: int
    changed_on: date


class ServiceDetailOut(ServiceOut):
    level_history: list[LevelChangeOut]
    idea_ids: list[int]
    project_ids: list[int]

    @staticmethod
    def resolve_level_history(obj: Service) -> list:
        local = local_of(obj)
        return list(local.level_changes.all()) if local else []

    @staticmethod
    def resolve_idea_ids(obj: Service) -> list[int]:
        local = local_of(obj)
        return list(local.ideas.values_list("pk", flat=True)) if local else []

    @staticmethod
    def resolve_project_ids(obj: Service) -> list[int]:
        local = local_of(obj)
        return list(local.projects.values_list("pk", flat=True)) if local else []


class ServiceFilters(Schema):
    q: str | None = Field(
        None,
        max_length=100,
        description="Words as citizens use them (German stems and the list of everyday words; all must match), "
        "best match first",
    )
    all: bool = Field(False, description="All services of the catalogue; default: those that apply to the municipality")
    scope: Scope | None = Field(None, description="Who carries the service out, as far as the catalogue tells")
    themenfeld: str | None = Field(None, max_length=100)
    lebenslage: str | None = Field(None, max_length=200)
    provided: bool | None = None
    level: int | None = Field(None, ge=0, le=4, description="Provided services at this level")
    unit: int | None = Field(None, ge=1, le=MAX_ID)
    ozg_id: int | None = Field(None, ge=1, le=MAX_ID)


class LocalPatch(Schema):
    provided: bool | None = None
    unit_id: int | None = Field(None, ge=1, le=MAX_ID, description="Only the strategy team changes the unit")
    level: int | None = Field(None, ge=0, le=4)
    level_since: date | None = Field(None, description="When a new level was reached (default: today)")
    online_url: str | None = Field(None, max_length=500)
    cases_per_year: int | None = Field(None, ge=0, le=MAX_ID)
    target_level: int | None = Field(None, ge=0, le=4)
    target_date: date | None = None
    pain_points: str | None = Field(None, max_length=5000)
    idea_ids: list[int] | None = Field(None, max_length=500, description="The whole idea backlog")
    project_ids: list[int] | None = Field(None, max_length=500, description="The whole project backlog")


def _services():
    return Service.objects.select_related("ozg", "local", "local__unit")


def _clean(text: str | None) -> str:
    # PostgreSQL refuses NUL characters in queries; no name holds one.
    return (text or "").replace("\x00", "").strip()


@router.get("/services", response=list[ServiceOut], summary="The service inventory, filtered (staff token)")
@paginate(Pagination)
def service_list(request: TokenRequest, filters: Query[ServiceFilters]) -> QuerySet[Service]:
    require(can_see_inventory(request.auth))
    services = _services()
    if not filters.all:
        services = services.applicable(Municipality.objects.current())
    services = services.filter_by(
        scope=filters.scope or "",
        themenfeld=_clean(filters.themenfeld),
        lebenslage=_clean(filters.lebenslage),
        provided=filters.provided,
        level=filters.level,
        unit=filters.unit,
        ozg_id=filters.ozg_id,
    )
    services, searched = search_services(services, _clean(filters.q))
    return services.order_by(*SORTS["relevance" if searched else "name"])


@router.get(
    "/services/{service_id}",
    response=ServiceDetailOut,
    summary="One service with the level history and the backlog (staff token)",
)
def service_detail(request: TokenRequest, service_id: int) -> Service:
    require(can_see_inventory(request.auth))
    if not 1 <= service_id <= MAX_ID:
        raise HttpError(404, "Not Found")
    return get_object_or_404(_services(), pk=service_id)


@router.patch(
    "/services/{service_id}",
    response=ServiceDetailOut,
    summary="Change the municipality's data of a service: the fields sent (strategy team, the responsible unit)",
)
def service_update(request: TokenRequest, service_id: int, payload: LocalPatch) -> Service:
    require(can_see_inventory(request.auth))
    if not 1 <= service_id <= MAX_ID:
        raise HttpError(404, "Not Found")
    changes = payload.model_dump(exclude_unset=True)
    with transaction.atomic(), _as_actor(request):
        service = get_object_or_404(Service.objects.select_for_update(), pk=service_id)
        local = local_of(service)
        require(can_edit_service(request.auth, local))
        local = local or LocalService(service=service)
        manager = can_manage_services(request.auth)
        if "unit_id" in changes and changes["unit_id"] != local.unit_id and not manager:
            raise PermissionDenied
        idea_ids, project_ids = changes.pop("idea_ids", None), changes.pop("project_ids", None)
        data = model_to_dict(local, fields=[f for f in LocalServiceForm.Meta.fields if f != "level_since"])
        if "unit_id" in changes:
            changes["unit"] = changes.pop("unit_id")
        data = {k: ("" if v is None else v) for k, v in {**data, **changes}.items()}
        form = LocalServiceForm(data=data, instance=local, can_assign_unit=manager)
        if not form.is_valid():
            raise HttpError(422, " ".join(f"{f}: {' '.join(map(str, m))}" for f, m in form.errors.items()))
        local = local_service_save(
            local=form.save(commit=False), level_since=form.cleaned_data["level_since"], by=request.auth
        )
        if idea_ids is not None:
            local.ideas.set(_existing("ideas", "Idea", idea_ids))
        if project_ids is not None:
            local.projects.set(_existing("projects", "Project", project_ids))
    return get_object_or_404(_services(), pk=service_id)


def _existing(app: str, model: str, ids: list[int]) -> list[int]:
    from django.apps import apps

    wanted = {i for i in ids if 1 <= i <= MAX_ID}
    found = set(apps.get_model(app, model).objects.filter(pk__in=wanted).values_list("pk", flat=True))
    missing = sorted(set(ids) - found)
    if missing:
        raise HttpError(422, f"{model.lower()}_ids: unknown {', '.join(map(str, missing[:10]))}")
    return sorted(found)


def _as_actor(request: TokenRequest):
    """The audit trail's actor. AuditlogMiddleware only knows the session user, not the token's."""
    return set_actor(
        request.auth,
        remote_addr=AuditlogMiddleware._get_remote_addr(request),
        remote_port=AuditlogMiddleware._get_remote_port(request),
    )
