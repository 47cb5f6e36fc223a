"""Who may reset other people's second factors and set which roles need them."""

from accounts.models import AnyUser
from accounts.permissions import can_manage_people


def can_reset_second_factors(user: AnyUser) -> bool:
    """Administrators, who manage people (a lost phone or key)."""
    return can_manage_people(user)


def can_set_role_requirements(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_administrator
