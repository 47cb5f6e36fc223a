from django.urls import reverse

from accounts.models import User
from installation.testing_browser import AxeTestCase


class SearchAccessibilityTests(AxeTestCase):
    def test_search_pages(self) -> None:
        search = reverse("search:search")
        paths = [
            search,
            f"{search}?q=online",
            f"{search}?q=Termine%20online&type=goal&sort=date",
            f"{search}?q=Quantencomputer",
            f"{reverse('search:suggestions')}?q=B%C3%BCrg",
        ]
        self.audit(None, paths)
        self.audit(User.objects.get(email="cdo@lindenfeld.example"), [f"{search}?q=Digital"])
