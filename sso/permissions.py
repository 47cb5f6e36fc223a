"""Who may configure single sign-on."""

from django.shortcuts import get_object_or_404

from accounts.models import AnyUser
from core.access import require
from sso.models import GroupMapping, IdentityProvider


def can_manage_sso(user: AnyUser) -> bool:
    """Administrators configure providers, mappings and whether staff keep local passwords."""
    return user.is_authenticated and user.is_administrator


def access_provider(user: AnyUser, pk: int) -> IdentityProvider:
    require(can_manage_sso(user))
    return get_object_or_404(IdentityProvider, pk=pk)


def access_mapping(user: AnyUser, pk: int) -> GroupMapping:
    require(can_manage_sso(user))
    return get_object_or_404(GroupMapping.objects.select_related("provider"), pk=pk)
