"""Token authentication for the API, and the endpoint that says who a token belongs to."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from accounts.models import ApiToken, User


class TokenRequest(HttpRequest):
    """For annotations: a request that `StaffTokenAuth` let in, so `request.auth` is the token's user."""

    auth: User


class StaffTokenAuth(HttpBearer):
    """`Authorization: Bearer etp_…` with a token of an active member of the administration."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = ApiToken.objects.find(token)
        if api_token is None or not api_token.user.is_internal:
            return None
        now = timezone.now()
        # Record use at most once a minute, so reads do not turn into writes.
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


def optional_token_user(request: HttpRequest) -> User | None:
    """For reads where a token is optional: without one the caller sees what the public sees (None);
    a wrong or foreign one is refused (401), never taken for no token."""
    if not request.headers.get("Authorization"):
        return None
    user = StaffTokenAuth()(request)
    if user is None:
        raise AuthenticationError
    return user


router = Router(tags=["accounts"])


class UnitOut(Schema):
    id: int
    name: str
    is_lead: bool


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    role: str
    units: list[UnitOut]


@router.get("/me", response=MeOut, auth=StaffTokenAuth(), summary="The user the token belongs to")
def me(request: TokenRequest) -> dict:
    user = request.auth
    units = [
        {"id": m.unit_id, "name": m.unit.name, "is_lead": m.is_lead} for m in user.memberships.select_related("unit")
    ]
    return {"id": user.pk, "email": user.email, "full_name": user.full_name, "role": user.role, "units": units}


class OrgUnitOut(Schema):
    id: int
    name: str
    short_name: str
    parent_id: int | None


@router.get(
    "/org-units",
    response=list[OrgUnitOut],
    auth=StaffTokenAuth(),
    summary="All organisational units (a tree via parent_id)",
)
def org_units(request: HttpRequest) -> list:
    from accounts.models import OrgUnit

    return list(OrgUnit.objects.order_by("name"))
