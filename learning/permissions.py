"""Who may see, book and run learning offers. Every view and API endpoint asks these helpers.

- Members of the administration: read the catalogue, register for sessions, cancel, and give
  feedback on sessions they attended.
- The strategy team: edits the catalogue and sessions, records attendance, sees statistics and
  the participant lists.
- Citizens and visitors: nothing; the offers are for staff.
"""

from django.shortcuts import get_object_or_404

from accounts.models import AnyUser
from learning.models import LearningUnit, Registration, Session


def can_use_learning(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_internal


def can_manage_learning(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_strategy_team


def visible_units(user: AnyUser):
    if can_manage_learning(user):
        return LearningUnit.objects.all()
    if can_use_learning(user):
        return LearningUnit.objects.filter(is_active=True)
    return LearningUnit.objects.none()


def access_unit(user: AnyUser, pk: int) -> LearningUnit:
    """The learning unit if the user may see it; otherwise 404 (units taken out of the catalogue included)."""
    return get_object_or_404(visible_units(user), pk=pk)


def access_session(user: AnyUser, pk: int) -> Session:
    return get_object_or_404(Session.objects.select_related("unit").filter(unit__in=visible_units(user)), pk=pk)


def can_register(user: AnyUser, session: Session) -> bool:
    return can_use_learning(user) and not session.has_started


def can_give_feedback(user: AnyUser, registration: Registration | None) -> bool:
    return (
        registration is not None
        and can_use_learning(user)
        and registration.user_id == user.pk
        and registration.attended is True
    )
