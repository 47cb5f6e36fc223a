"""Who may read and change the strategy. Every strategy view asks here."""

from django.core.exceptions import PermissionDenied

from accounts.models import User


def can_edit_strategy(user: User) -> bool:
    """The strategy team (and administrators) curate the strategy."""
    return user.is_authenticated and user.is_strategy_team


def can_see_history(user: User) -> bool:
    """The audit trail names colleagues, so it stays inside the administration."""
    return user.is_authenticated and user.is_internal


def require_strategy_editor(user: User) -> None:
    if not can_edit_strategy(user):
        raise PermissionDenied
