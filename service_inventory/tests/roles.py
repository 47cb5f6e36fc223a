"""This app's rows of the authorisation matrix (collected by core/tests/test_roles.py)."""

from ideas.models import Idea
from installation.testing import ALL, INTERNAL, TEAM, BaseTestCase
from service_inventory.testing import make_local, make_ozg, make_service

# URL names that only accept POST (a GET answers 302 or 405).
POST_ONLY: set[str] = {"services:backlog_remove"}


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    """URL name → (personas that may open it, URL kwargs); see installation.testing for the persona groups."""
    service = make_service(ozg=make_ozg(), name="Matrix-Leistung")
    local = make_local(service=service, unit=case.unit, level=1, online_url="https://example.org/matrix")
    idea = Idea.objects.create(title="Matrix-Backlog", description="x", moderation="published")
    local.ideas.add(idea)
    pk = {"pk": service.pk}
    # The strategy team and staff of the responsible unit (case.unit: staff and lead) edit the service.
    editors = ["staff", "lead", *TEAM]
    return {
        "services:list": (INTERNAL, {}),
        "services:export_csv": (INTERNAL, {}),
        "services:export_xlsx": (INTERNAL, {}),
        "services:overview": (INTERNAL, {}),
        "services:online": (ALL, {}),
        "services:detail": (INTERNAL, pk),
        "services:history": (INTERNAL, pk),
        "services:edit": (editors, pk),
        "services:backlog_add": (editors, pk),
        "services:backlog_remove": (editors, {"pk": service.pk, "kind": "idea", "item": idea.pk}),
    }
