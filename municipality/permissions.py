"""Who may change which municipality this installation serves."""

from accounts.models import AnyUser


def can_configure_municipality(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_administrator


def can_edit_legal_pages(user: AnyUser) -> bool:
    """The Impressum and the privacy notice speak for the municipality: administrators write them."""
    return user.is_authenticated and user.is_administrator
