"""Who may read and change the strategy. Every strategy view asks here."""

from django.core.exceptions import PermissionDenied

from accounts.models import User


def can_edit_strategy(user: User) -> bool:
    """The strategy team (and administrators) curate the strategy."""
    return user.is_authenticated and user.is_strategy_team


def require_strategy_editor(user: User) -> None:
    if not can_edit_strategy(user):
        raise PermissionDenied
