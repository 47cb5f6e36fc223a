"""This app's rows of the authorisation matrix for the pages added after core/tests/test_roles.py
listed the accounts pages (collected by core/tests/test_roles.py)."""

from installation.testing import ALL, BaseTestCase

POST_ONLY: set[str] = set()


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    """URL name → (personas that may open it, URL kwargs); see installation.testing for the persona groups."""
    return {
        # Password reset: open to everyone (a logged-in person may have forgotten it elsewhere).
        "accounts:password_reset": (ALL, {}),
        "accounts:password_reset_done": (ALL, {}),
        # An invalid link answers with a page saying so.
        "accounts:password_reset_confirm": (ALL, {"uidb64": "MQ", "token": "invalid-token"}),
        "accounts:password_reset_complete": (ALL, {}),
    }
