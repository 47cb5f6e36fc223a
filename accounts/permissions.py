"""Who may do what with accounts, tokens and organisational units."""

from django.shortcuts import get_object_or_404

from accounts.models import AnyUser, ApiToken, Role, User
from core.access import require


def can_use_api_tokens(user: AnyUser) -> bool:
    """Tokens are for members of the administration, not for citizens."""
    return user.is_authenticated and user.is_internal


def can_see_organisation(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_internal


def can_delete_own_account(user: AnyUser) -> bool:
    """Everyone may delete their account, except the last administrator: someone must remain."""
    if not user.is_authenticated:
        return False
    if user.role != Role.ADMINISTRATOR:
        return True
    return User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).exclude(pk=user.pk).exists()


def access_token_by_owner(user: AnyUser, pk: int) -> ApiToken:
    require(can_use_api_tokens(user))
    return get_object_or_404(ApiToken.objects.active(), pk=pk, user=user)


def can_manage_people(user: AnyUser) -> bool:
    """Administrators invite people, give them roles and units and deactivate accounts."""
    return user.is_authenticated and user.is_administrator
