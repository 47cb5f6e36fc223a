"""Who may change which municipality this installation serves."""

from accounts.models import AnyUser


def can_configure_municipality(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_administrator
