"""What "download my data" shows of single sign-on and what deleting an account erases."""

from typing import Any

from accounts.models import User
from sso.models import ExternalIdentity


def export_identities(user: User) -> list[dict[str, Any]] | None:
    rows = ExternalIdentity.objects.filter(user=user).select_related("provider")
    return [
        {"provider": row.provider.name, "subject": row.subject, "last_sign_in": row.last_login_at} for row in rows
    ] or None


def erase_identities(user: User) -> None:
    ExternalIdentity.objects.filter(user=user).delete()
