"""This app's rows of the authorisation matrix (collected by core/tests/test_roles.py)."""

from installation.testing import ADMIN, ALL, BaseTestCase

POST_ONLY: set[str] = set()


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    return {
        "core:imprint": (ALL, {}),
        "core:privacy": (ALL, {}),
        "municipality:edit_imprint": (ADMIN, {}),
        "municipality:edit_privacy": (ADMIN, {}),
    }
