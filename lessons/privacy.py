"""A person's lessons for "download my data", and what deleting their account does to them."""

from typing import Any

from django.db.models import Q

from accounts.models import User
from accounts.privacy import register_eraser, register_section
from lessons.models import Lesson


def export_lessons(user: User) -> list[dict[str, Any]]:
    """The lessons the person wrote or started: their authorship is personal data."""
    lessons = Lesson.objects.filter(Q(authors=user) | Q(created_by=user)).distinct().order_by("created_at", "pk")
    return [
        {
            "title": lesson.title,
            "state": lesson.state,
            "visibility": lesson.visibility,
            "created_at": lesson.created_at,
            "contact_allowed": lesson.contact_allowed,
        }
        for lesson in lessons
    ]


def erase_lessons(user: User) -> None:
    # The lesson belongs to the municipality and stays; the person's name goes, and nobody can be
    # contacted about it through them any more.
    for lesson in Lesson.objects.filter(authors=user):
        lesson.authors.remove(user)
    Lesson.objects.filter(created_by=user).update(created_by=None)
    Lesson.objects.filter(reviewed_by=user).update(reviewed_by=None)


def register() -> None:
    register_section("lessons", export_lessons)
    register_eraser("lessons", erase_lessons)
