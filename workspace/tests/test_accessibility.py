from django.urls import reverse

from accounts.models import User
from installation.testing_browser import AxeTestCase


class WorkspaceAccessibilityTests(AxeTestCase):
    def test_the_start_page_of_every_role(self) -> None:
        for email in (
            "admin@lindenfeld.example",
            "cdo@lindenfeld.example",
            "fachbereich@lindenfeld.example",
            "leitung@lindenfeld.example",
            "rat@lindenfeld.example",
            "buergerin@lindenfeld.example",
        ):
            self.audit(User.objects.get(email=email), [reverse("workspace:home")])
        citizen = User.objects.get(email="buergerin@lindenfeld.example")
        self.audit(citizen, [reverse("workspace:full_list", args=["ideas"])])
