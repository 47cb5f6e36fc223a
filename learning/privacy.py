"""A person's registrations and feedback for "download my data", and what deleting their account does.

Registrations stay for the statistics (counts, attendance, ratings per unit and topic) but lose the
person; the free-text feedback is deleted, because it may say who wrote it.
"""

from typing import Any

from accounts.models import User
from accounts.privacy import mask_logged_fields, register_eraser, register_section
from learning.models import LearningUnit, Registration


def export_learning(user: User) -> list[dict[str, Any]]:
    registrations = Registration.objects.filter(user=user).select_related("session__unit", "org_unit")
    return [
        {
            "learning_unit": registration.session.unit.title,
            "session_starts_at": registration.session.starts_at,
            "unit": str(registration.org_unit) if registration.org_unit else None,
            "registered_at": registration.registered_at,
            "attended": registration.attended,
            "rating": registration.rating,
            "feedback": registration.feedback,
            "feedback_at": registration.feedback_at,
        }
        for registration in registrations.order_by("registered_at", "pk")
    ]


def erase_learning(user: User) -> None:
    registrations = Registration.objects.filter(user=user)
    pks = list(registrations.values_list("pk", flat=True))
    mask_logged_fields(Registration, pks, ["feedback"])
    registrations.update(user=None, feedback="")
    LearningUnit.objects.filter(created_by=user).update(created_by=None)


def register() -> None:
    register_section("learning", export_learning)
    register_eraser("learning", erase_learning)
