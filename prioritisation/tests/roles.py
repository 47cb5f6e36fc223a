"""Rows of the authorisation matrix for URLs added after core/tests/test_roles.py listed this app's
first pages (collected by core/tests/test_roles.py)."""

from installation.testing import INTERNAL, BaseTestCase, make_idea
from prioritisation.testing import make_round

# URL names that only accept POST (a GET answers 302 or 405).
POST_ONLY: set[str] = set()


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    """URL name → (personas that may open it, URL kwargs); see installation.testing for the persona groups."""
    closed = make_round(team=case.team, ideas=[make_idea()], assessors=[case.staff], state="closed")
    return {
        "prioritisation:ranking_csv": (INTERNAL, {"pk": closed.pk}),
        "prioritisation:ranking_xlsx": (INTERNAL, {"pk": closed.pk}),
    }
