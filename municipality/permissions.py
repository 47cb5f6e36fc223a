"""Who may change which municipality this installation serves."""

from accounts.models import User


def can_configure_municipality(user: User) -> bool:
    return user.is_authenticated and user.is_administrator
