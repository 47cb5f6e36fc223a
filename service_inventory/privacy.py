"""A person's service inventory data for "download my data", and what deleting their account does to it."""

from typing import Any

from accounts.models import User
from accounts.privacy import register_eraser, register_section
from service_inventory.models import LevelChange


def export_level_changes(user: User) -> list[dict[str, Any]]:
    return [
        {"service": c.local.service.name, "level": c.level, "since": c.changed_on, "recorded_at": c.recorded_at}
        for c in LevelChange.objects.filter(recorded_by=user).select_related("local__service").order_by("pk")
    ]


def erase_level_changes(user: User) -> None:
    # The level history is the municipality's record and stays, attributed to the pseudonym
    # "Deleted account #n" that the account becomes (see accounts/privacy.py).
    return None


def register() -> None:
    register_section("service_level_changes", export_level_changes)
    register_eraser("service_level_changes", erase_level_changes)
