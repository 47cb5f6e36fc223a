"""This app's rows of the authorisation matrix (collected by core/tests/test_roles.py)."""

from datetime import date

from installation.testing import ALL, INTERNAL, TEAM, BaseTestCase
from reports.models import CouncilReport

POST_ONLY: set[str] = set()


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    report = CouncilReport.objects.create(
        title="Matrix-Bericht", period_start=date(2025, 1, 1), period_end=date(2025, 12, 31)
    )
    return {
        "reports:list": (INTERNAL, {}),
        "reports:detail": (INTERNAL, {"pk": report.pk}),
        "reports:delete": (TEAM, {"pk": report.pk}),
        # Not built yet: there is no file to download for anyone.
        "reports:download": ([], {"pk": report.pk, "fmt": "pdf"}),
        "reports:feed_updates": (ALL, {}),
        "reports:feed_milestones": (ALL, {}),
    }
