"""This app's rows of the authorisation matrix (collected by core/tests/test_roles.py)."""

from core.testing import ALL, INTERNAL, TEAM, BaseTestCase
from lessons.models import Lesson
from lessons.testing import make_lesson

# URL names that only accept POST (a GET answers 302 or 405).
POST_ONLY: set[str] = {"lessons:submit"}


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    """URL name → (personas that may open it, URL kwargs); see core.testing for the persona groups."""
    published = make_lesson(title="Matrix-Lehre")
    in_review = make_lesson(title="Matrix-Entwurf", state=Lesson.State.IN_REVIEW, authors=[case.staff])
    draft = make_lesson(title="Matrix-Entwurf 2", state=Lesson.State.DRAFT, authors=[case.staff])
    return {
        "lessons:list": (ALL, {}),
        "lessons:feed": (ALL, {}),
        "lessons:create": (INTERNAL, {}),
        "lessons:detail": (ALL, {"pk": published.pk}),
        # A draft: its author and the strategy team; for everyone else it does not exist.
        "lessons:edit": (["staff", *TEAM], {"pk": draft.pk}),
        "lessons:submit": (["staff", *TEAM], {"pk": draft.pk}),
        "lessons:review": (TEAM, {"pk": in_review.pk}),
        "lessons:withdraw": (TEAM, {"pk": published.pk}),
        "lessons:delete": (TEAM, {"pk": published.pk}),
    }
