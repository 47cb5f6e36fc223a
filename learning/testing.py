"""Factories for the learning tests and the authorisation matrix."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from accounts.models import User
from learning.models import LearningUnit, Registration, Session

_sequence = count(1)


def make_unit(**overrides) -> LearningUnit:
    overrides.setdefault("title", f"Wissenshäppchen {next(_sequence)}")
    overrides.setdefault("topic", "Zusammenarbeit")
    overrides.setdefault("summary", "Kurz und praktisch.")
    overrides.setdefault("duration_minutes", 30)
    overrides.setdefault("dimension_key", "competences")
    return LearningUnit.objects.create(**overrides)


def make_session(*, unit: LearningUnit | None = None, days: int = 7, **overrides) -> Session:
    """A session `days` from now (negative: in the past)."""
    overrides.setdefault("place", "Rathaus, Raum 2.14")
    overrides.setdefault("capacity", 10)
    return Session.objects.create(
        unit=unit or make_unit(), starts_at=timezone.now() + timedelta(days=days), **overrides
    )


def make_registration(*, session: Session, user: User, **overrides) -> Registration:
    overrides.setdefault("org_unit", user.units.order_by("pk").first())
    return Registration.objects.create(session=session, user=user, **overrides)
