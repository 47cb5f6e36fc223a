"""The catalogue's filters live in `LearningUnitQuerySet.filter_by`: the page and the API give the same rows."""

from django.urls import reverse

from accounts.models import ApiToken
from installation.testing import BaseTestCase
from learning.models import LearningUnit
from learning.testing import make_unit


class CatalogueFilterTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_unit(title="Videokonferenzen", topic="Zusammenarbeit", format=LearningUnit.Format.VIDEO)
        make_unit(title="E-Akte", topic="E-Akte", format=LearningUnit.Format.WORKSHOP)
        make_unit(title="Teams-Tipps", topic="Zusammenarbeit", summary="Videokonferenzen ohne Ärger.")
        make_unit(title="Alt", is_active=False)

    def test_the_page_and_the_api_give_the_same_rows_for_the_same_filters(self) -> None:
        self.login(self.staff)
        headers = {"Authorization": f"Bearer {ApiToken.issue(user=self.staff, name='t')[1]}"}
        for filters in (
            {},
            {"topic": "Zusammenarbeit"},
            {"format": "workshop"},
            {"topic": "E-Akte", "format": "video"},
        ):
            with self.subTest(filters):
                page = self.client.get(reverse("learning:catalogue"), {**filters, "sort": "title"}).context["page"]
                items = self.client.get("/api/v1/learning/units", filters, headers=headers).json()["items"]
                self.assertEqual([unit.pk for unit in page], [item["id"] for item in items])

    def test_the_queryset_searches_title_and_summary(self) -> None:
        units = LearningUnit.objects.filter(is_active=True).filter_by(q="videokonferenz").sorted_by("title")
        self.assertEqual([unit.title for unit in units], ["Teams-Tipps", "Videokonferenzen"])
