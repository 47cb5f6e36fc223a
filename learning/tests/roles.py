"""This app's rows of the authorisation matrix (collected by core/tests/test_roles.py)."""

from django.core.files.base import ContentFile

from installation.testing import INTERNAL, TEAM, BaseTestCase
from learning.testing import make_registration, make_session, make_unit

# URL names that only accept POST (a GET answers 302 or 405).
POST_ONLY: set[str] = {"learning:register", "learning:cancel"}


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    """URL name → (personas that may open it, URL kwargs); see installation.testing for the persona groups."""
    unit = make_unit(title="Matrix-Häppchen")
    unit.material_file.save("matrix.txt", ContentFile(b"Merkblatt"), save=True)
    case.addCleanup(unit.material_file.storage.delete, unit.material_file.name)
    upcoming = make_session(unit=unit, days=3)
    past = make_session(unit=unit, days=-3)
    make_registration(session=past, user=case.staff, attended=True)
    return {
        "learning:catalogue": (INTERNAL, {}),
        "learning:statistics": (TEAM, {}),
        "learning:unit_create": (TEAM, {}),
        "learning:unit": (INTERNAL, {"pk": unit.pk}),
        "learning:unit_edit": (TEAM, {"pk": unit.pk}),
        "learning:unit_delete": (TEAM, {"pk": unit.pk}),
        "learning:material": (INTERNAL, {"pk": unit.pk}),
        "learning:session_create": (TEAM, {"unit": unit.pk}),
        "learning:session": (INTERNAL, {"pk": upcoming.pk}),
        "learning:calendar": (INTERNAL, {"pk": upcoming.pk}),
        "learning:session_edit": (TEAM, {"pk": upcoming.pk}),
        "learning:session_delete": (TEAM, {"pk": upcoming.pk}),
        "learning:register": (INTERNAL, {"pk": upcoming.pk}),
        "learning:cancel": (INTERNAL, {"pk": upcoming.pk}),
        "learning:attendance": (TEAM, {"pk": past.pk}),
        # Only someone recorded as present gives feedback; everyone else is refused.
        "learning:feedback": (["staff"], {"pk": past.pk}),
    }
