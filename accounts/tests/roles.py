"""This app's rows of the authorisation matrix for the pages added after core/tests/test_roles.py
listed the accounts pages (collected by core/tests/test_roles.py)."""

from accounts.models import Role
from accounts.services import email_change_token, invitation_token, person_invite
from installation.testing import ADMIN, ALL, LOGGED_IN, BaseTestCase

# URL names that only accept POST (a GET answers 302 or 405).
POST_ONLY: set[str] = {"accounts:person_reactivate", "accounts:person_resend"}


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    """URL name → (personas that may open it, URL kwargs); see installation.testing for the persona groups."""
    invitee = person_invite(full_name="Ina Invited", email="ina@example.org", role=Role.STAFF, units=[], by=case.admin)
    return {
        # Password reset: open to everyone (a logged-in person may have forgotten it elsewhere).
        "accounts:password_reset": (ALL, {}),
        "accounts:password_reset_done": (ALL, {}),
        # An invalid link answers with a page saying so.
        "accounts:password_reset_confirm": (ALL, {"uidb64": "MQ", "token": "invalid-token"}),
        "accounts:password_reset_complete": (ALL, {}),
        # Staff administration: administrators only.
        "accounts:people": (ADMIN, {}),
        "accounts:person_invite": (ADMIN, {}),
        "accounts:people_import": (ADMIN, {}),
        "accounts:person_edit": (ADMIN, {"pk": case.staff.pk}),
        "accounts:person_deactivate": (ADMIN, {"pk": case.staff.pk}),
        "accounts:person_reactivate": (ADMIN, {"pk": case.staff.pk}),
        "accounts:person_resend": (ADMIN, {"pk": case.staff.pk}),
        # The link of an invitation opens for whoever holds it (tests/test_people.py: invalid links).
        "accounts:invitation": (ALL, {"token": invitation_token(invitee)}),
        # Changing one's own e-mail address; the link is the citizen's (another account's link
        # answers 400, tests/test_email_change.py).
        "accounts:email_change": (LOGGED_IN, {}),
        "accounts:email_change_confirm": (["citizen"], {"token": email_change_token(case.citizen, "neu@example.org")}),
    }
