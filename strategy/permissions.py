"""Who may read and change the strategy. Every strategy view asks here."""

from accounts.models import AnyUser
from core.access import require


def can_edit_strategy(user: AnyUser) -> bool:
    """The strategy team (and administrators) curate the strategy."""
    return user.is_authenticated and user.is_strategy_team


def require_strategy_editor(user: AnyUser) -> None:
    require(can_edit_strategy(user))
