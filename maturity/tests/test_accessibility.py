from django.urls import reverse

from accounts.models import User
from installation.testing_browser import AxeTestCase
from maturity.models import Dimension, Item, Round


class MaturityAccessibilityTests(AxeTestCase):
    def test_maturity_pages(self) -> None:
        current = Round.objects.get(title="Digitalgrad 2026")
        earlier = Round.objects.get(title="Digitalgrad 2025")
        dimension = Dimension.objects.order_by("pk").first()
        item = Item.objects.order_by("pk").first()
        team = User.objects.get(email="cdo@lindenfeld.example")
        self.audit(
            team,
            [
                reverse("maturity:index"),
                reverse("maturity:results", args=[current.pk]),
                reverse("maturity:results", args=[earlier.pk]),
                reverse("maturity:round", args=[current.pk]),
                reverse("maturity:questionnaire"),
                reverse("maturity:targets"),
                reverse("maturity:settings"),
                reverse("maturity:round_create"),
                reverse("maturity:item_edit", args=[item.pk]),
                reverse("maturity:dimension_edit", args=[dimension.pk]),
            ],
        )
        staff = User.objects.get(email="fachbereich@lindenfeld.example")
        self.audit(staff, [reverse("maturity:answer", args=[current.pk])])
