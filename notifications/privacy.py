"""A person's follows and notifications for "download my data"; deleting the account deletes them."""

from typing import Any

from accounts.models import User
from accounts.privacy import register_eraser, register_section
from notifications.models import Follow, Notification, Subscription


def export_notifications(user: User) -> dict[str, Any]:
    return {
        "frequency": Subscription.objects.filter(user=user).values_list("frequency", flat=True).first() or "",
        "follows": [
            {"project": f.project_id, "lesson": f.lesson_id, "survey": f.survey_id, "since": f.created_at}
            for f in Follow.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "notifications": [
            {"text": n.text, "link": n.path, "created_at": n.created_at, "read_at": n.read_at}
            for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
    }


def erase_notifications(user: User) -> None:
    Notification.objects.filter(recipient=user).delete()
    Follow.objects.filter(user=user).delete()
    Subscription.objects.filter(user=user).delete()


def register() -> None:
    register_section("notifications", export_notifications)
    register_eraser("notifications", erase_notifications)
