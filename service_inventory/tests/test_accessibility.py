"""axe WCAG 2.1 AA on the inventory pages, in German and English, with the demo's full catalogue."""

from accounts.models import User
from installation.testing_browser import AxeTestCase
from service_inventory.models import LocalService


class ServiceAccessibilityTests(AxeTestCase):
    def test_inventory_pages(self) -> None:
        local = LocalService.objects.filter(pain_points__gt="").exclude(ideas=None).first()
        team = User.objects.get(email="cdo@lindenfeld.example")
        service = local.service.pk
        self.audit(
            team,
            [
                "/services/",
                "/services/?provided=yes&sort=level",
                "/services/overview/",
                f"/services/{service}/",
                f"/services/{service}/edit/",
                f"/services/{service}/backlog/",
            ],
        )

    def test_public_online_services(self) -> None:
        self.audit(None, ["/services/online/", "/services/online/?themenfeld=Bauen+%26+Wohnen"])
