"""This app's rows of the authorisation matrix (collected by core/tests/test_roles.py)."""

from installation.testing import LOGGED_IN, BaseTestCase

# URL names that only accept POST (a GET answers 302 or 405).
POST_ONLY: set[str] = set()


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    """URL name → (personas that may open it, URL kwargs); see installation.testing for the persona groups."""
    return {
        "workspace:home": (LOGGED_IN, {}),
        # One's own ideas are the citizens' list; the administration's start page shows its work instead.
        "workspace:full_list": (["citizen"], {"name": "ideas"}),
    }
