"""The inventory's filters live in `ServiceQuerySet.filter_by`: the page and the API give the same rows."""

from django.urls import reverse

from accounts.models import ApiToken
from installation.testing import BaseTestCase
from service_inventory.testing import make_local, make_ozg, make_service


class ServiceFilterTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        ozg = make_ozg(themenfeld="Mobilität & Reisen", lebenslage="Kfz-Besitz")
        parking = make_service(ozg=ozg, name="Bewohnerparkausweis Erteilung")
        make_local(service=parking, unit=cls.unit, level=1)
        make_local(service=make_service(ozg=make_ozg(), name="Wohngeld"), level=3)
        make_service(ozg=None, name="Fundsachen")

    def test_the_page_and_the_api_give_the_same_rows_for_the_same_filters(self) -> None:
        self.login(self.council)
        headers = {"Authorization": f"Bearer {ApiToken.issue(user=self.council, name='t')[1]}"}
        for page_filters, api_filters in (
            ({}, {}),
            ({"catalogue": "all"}, {"all": "true"}),
            ({"provided": "yes"}, {"provided": "true"}),
            ({"provided": "no"}, {"provided": "false"}),
            ({"level": "3"}, {"level": "3"}),
            ({"unit": self.unit.pk}, {"unit": self.unit.pk}),
            ({"themenfeld": "Mobilität & Reisen"}, {"themenfeld": "Mobilität & Reisen"}),
            ({"lebenslage": "Wohnen & Umzug"}, {"lebenslage": "Wohnen & Umzug"}),
            ({"q": "fund"}, {"q": "fund"}),
        ):
            with self.subTest(page_filters):
                page = self.client.get(reverse("services:list"), page_filters).context["page"]
                items = self.client.get("/api/v1/services", api_filters, headers=headers).json()["items"]
                self.assertEqual([service.pk for service in page], [item["id"] for item in items])
