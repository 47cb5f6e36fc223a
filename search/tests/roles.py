"""This app's rows of the authorisation matrix (collected by core/tests/test_roles.py)."""

from installation.testing import ALL, BaseTestCase

# URL names that only accept POST (a GET answers 302 or 405).
POST_ONLY: set[str] = set()


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    """URL name → (personas that may open it, URL kwargs); see installation.testing for the persona groups."""
    # Everyone may search; what each finds depends on their role (tested in test_search.py).
    return {
        "search:search": (ALL, {}),
        "search:suggestions": (ALL, {}),
    }
