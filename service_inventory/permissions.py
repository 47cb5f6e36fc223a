"""Who may see and change the service inventory. Every view and API endpoint asks these helpers.

- Everybody sees the public list of the town's online services (provided, level 1 or higher, with a link).
- Members of the administration, leadership and council read the whole inventory.
- The strategy team marks services as provided, assigns the responsible unit and edits everything.
- The lead and the members of the responsible unit edit their own services (not the unit itself).
"""

from django.shortcuts import get_object_or_404

from accounts.models import AnyUser, Membership, Role
from core.access import require
from service_inventory.models import LocalService, Service


def can_see_inventory(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_internal


def can_manage_services(user: AnyUser) -> bool:
    """Mark any service as provided, assign units, edit every service: the strategy team."""
    return user.is_authenticated and user.is_strategy_team


def can_edit_service(user: AnyUser, local: LocalService | None) -> bool:
    """The strategy team, and staff of the unit responsible for the service."""
    if can_manage_services(user):
        return True
    if not (user.is_authenticated and user.is_internal and user.role == Role.STAFF):
        return False
    if local is None or local.unit_id is None:
        return False
    return Membership.objects.filter(user=user, unit_id=local.unit_id).exists()


def access_service(user: AnyUser, pk: int) -> Service:
    """The service with the municipality's data, for readers of the inventory; 404 if there is none, 403 otherwise."""
    require(can_see_inventory(user))
    return get_object_or_404(Service.objects.select_related("ozg", "local", "local__unit"), pk=pk)


def local_of(service: Service) -> LocalService | None:
    try:
        return service.local
    except LocalService.DoesNotExist:
        return None
