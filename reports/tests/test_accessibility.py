from datetime import date

from django.urls import reverse

from accounts.models import User
from installation.testing_browser import AxeTestCase
from reports.models import CouncilReport
from reports.services import report_build


class ReportAccessibilityTests(AxeTestCase):
    def test_start_page_and_council_report_pages(self) -> None:
        self.audit(None, ["/"])
        team = User.objects.get(email="cdo@lindenfeld.example")
        waiting = CouncilReport.objects.create(
            title="Wartet", period_start=date(2025, 1, 1), period_end=date(2025, 12, 31)
        )
        done = report_build(
            CouncilReport.objects.create(title="Fertig", period_start=date(2025, 1, 1), period_end=date(2025, 12, 31))
        )
        self.audit(
            team,
            [
                "/",
                reverse("reports:list"),
                waiting.get_absolute_url(),
                done.get_absolute_url(),
                reverse("reports:delete", args=[done.pk]),
            ],
        )
