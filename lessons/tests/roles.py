"""This app's rows of the authorisation matrix (collected by core/tests/test_roles.py)."""

from installation.testing import ALL, INTERNAL, TEAM, BaseTestCase
from lessons.models import Lesson
from lessons.testing import make_lesson

# URL names that only accept POST (a GET answers 302 or 405).
POST_ONLY: set[str] = {"lessons:submit"}


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    """URL name → (personas that may open it, URL kwargs); see installation.testing for the persona groups."""
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


def history_expectations(case: BaseTestCase) -> list[tuple[str, str, object, list[str]]]:
    """(what, history kind, object, personas that may open its history): lessons in every state.

    A lesson's history follows `access_lesson`, like its page: the strategy team sees all, staff
    the published ones and those they wrote.
    """
    return [
        ("published public lesson", "lesson", make_lesson(title="Historie öffentlich"), INTERNAL),
        (
            "published internal lesson",
            "lesson",
            make_lesson(title="Historie intern", visibility=Lesson.Visibility.INTERNAL),
            INTERNAL,
        ),
        (
            "own draft",
            "lesson",
            make_lesson(title="Historie Entwurf", state=Lesson.State.DRAFT, authors=[case.staff]),
            ["staff", *TEAM],
        ),
        (
            "draft of another person",
            "lesson",
            make_lesson(title="Historie fremder Entwurf", state=Lesson.State.DRAFT, authors=[case.lead]),
            ["lead", *TEAM],
        ),
        (
            "lesson in review",
            "lesson",
            make_lesson(title="Historie in Prüfung", state=Lesson.State.IN_REVIEW, authors=[case.lead]),
            ["lead", *TEAM],
        ),
        (
            "withdrawn lesson",
            "lesson",
            make_lesson(title="Historie zurückgezogen", state=Lesson.State.WITHDRAWN, authors=[case.lead]),
            ["lead", *TEAM],
        ),
    ]
