"""The idea list's filters live in `IdeaQuerySet.filter_by`: the page and the API give the same rows."""

from django.urls import reverse

from ideas.models import Idea, Moderation
from installation.testing import BaseTestCase, make_field, make_idea


class IdeaFilterTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        other = make_field(strategy=self.strategy, title="Bildung")
        make_idea(title="Parkausweis digital", field_of_action=self.field, source=Idea.Source.CITIZEN)
        make_idea(title="Bänke im Park", status=Idea.Status.IN_POOL, source=Idea.Source.STAFF, field_of_action=other)
        make_idea(title="WLAN in Schulen", status=Idea.Status.IN_POOL, field_of_action=self.field)
        make_idea(title="Noch nicht geprüft", status=Idea.Status.IN_POOL, moderation=Moderation.PENDING)

    def test_the_page_and_the_api_give_the_same_rows_for_the_same_filters(self) -> None:
        for filters in (
            {},
            {"status": "in_pool"},
            {"source": "staff"},
            {"field": self.field.pk},
            {"status": "in_pool", "field": self.field.pk},
            {"status": "declined"},
        ):
            with self.subTest(filters):
                page = self.client.get(reverse("ideas:list"), filters).context["page"]
                api = {"field_of_action" if key == "field" else key: value for key, value in filters.items()}
                items = self.client.get("/api/v1/ideas", api).json()["items"]
                self.assertEqual([idea.pk for idea in page], [item["id"] for item in items])

    def test_the_queryset_filters_and_sorts_as_the_page_does(self) -> None:
        ideas = Idea.objects.public()
        self.assertEqual(
            list(ideas.filter_by(q="Parkausweise").values_list("title", flat=True)), ["Parkausweis digital"]
        )
        self.assertEqual(ideas.filter_by(status="", source="", field_of_action=None).count(), 3)
        self.assertEqual(list(ideas.sorted_by("kaputt")), list(ideas.sorted_by("newest")))
