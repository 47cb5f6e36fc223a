"""This app's rows of the authorisation matrix (collected by core/tests/test_roles.py).

The personas have no second factor. Whoever has one reaches the setting-up pages only in a
session that passed it (tests/test_setup.py); the second step and its passkey calls are tested in
tests/test_login.py and tests/test_setup.py.
"""

from installation.testing import ADMIN, LOGGED_IN, BaseTestCase

# URL names that only accept POST (a GET answers 302 or 405).
POST_ONLY: set[str] = {
    "twofactor:passkey_options",
    "twofactor:passkey_add",
    "twofactor:verify_passkey_options",
    "twofactor:verify_passkey",
}


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    """URL name → (personas that may open it, URL kwargs); see installation.testing for the persona groups."""
    from installation.testing import make_user
    from twofactor.tests.helpers import make_passkey

    passkey = make_passkey(make_user(email="someone-else@example.org"))
    return {
        # Everyone with an account sets up their own second factors.
        "twofactor:overview": (LOGGED_IN, {}),
        "twofactor:totp": (LOGGED_IN, {}),
        # Without a second factor (the personas have none) there are no codes, no app to remove and
        # nothing to switch off: 404 (tests/test_setup.py opens them with a factor).
        "twofactor:recovery": ([], {}),
        "twofactor:totp_remove": ([], {}),
        "twofactor:disable": ([], {}),
        "twofactor:passkey_options": (LOGGED_IN, {}),
        "twofactor:passkey_add": (LOGGED_IN, {}),
        # Only one's own passkey: someone else's is 404 for everyone.
        "twofactor:passkey_remove": ([], {"pk": passkey.pk}),
        # The second step: without a pending login, visitors are sent to the login, others get 404.
        "twofactor:verify": ([], {}),
        "twofactor:verify_passkey_options": ([], {}),
        "twofactor:verify_passkey": ([], {}),
        # Administrators set which roles need two factors and reset a person's.
        "twofactor:roles": (ADMIN, {}),
        "twofactor:reset": (ADMIN, {"pk": case.staff.pk}),
    }
