"""A person's follows in the exchange for "download my data"; deleting the account deletes them."""

from typing import Any

from accounts.models import User
from accounts.privacy import register_eraser, register_section
from exchange.models import Follow


def export_follows(user: User) -> list[dict[str, Any]]:
    return [
        {"municipality": f.municipality, "ars": f.ars, "topic": f.topic, "since": f.created_at}
        for f in Follow.objects.filter(user=user).order_by("created_at", "pk")
    ]


def erase_follows(user: User) -> None:
    Follow.objects.filter(user=user).delete()


def register() -> None:
    register_section("exchange_follows", export_follows)
    register_eraser("exchange_follows", erase_follows)
