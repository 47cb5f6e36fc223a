import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ideas.models import Idea, Moderation
from ideas.services import idea_support
from installation.testing import BaseTestCase, make_comment, make_idea


class IdeaListTests(BaseTestCase):
    def test_it_filters_by_status_field_and_source_and_searches_stemmed(self) -> None:
        make_idea(title="Parkausweise digital beantragen", field_of_action=self.field, source=Idea.Source.CITIZEN)
        make_idea(title="Sitzbänke im Park", status=Idea.Status.IN_POOL, source=Idea.Source.STAFF)
        url = reverse("ideas:list")
        self.assertContains(self.client.get(url, {"q": "Parkausweis"}), "Parkausweise digital beantragen")
        self.assertNotContains(self.client.get(url, {"q": "Parkausweis"}), "Sitzbänke")
        self.assertNotContains(self.client.get(url, {"status": "in_pool"}), "Parkausweise")
        self.assertContains(self.client.get(url, {"field": self.field.pk}), "Parkausweise")
        self.assertNotContains(self.client.get(url, {"source": "staff"}), "Parkausweise")

    def test_it_sorts_by_supports(self) -> None:
        make_idea(title="Wenig Unterstützung")
        popular = make_idea(title="Viel Unterstützung")
        idea_support(idea=popular, user=self.staff)
        content = self.client.get(reverse("ideas:list"), {"sort": "supported"}).content.decode()
        self.assertLess(content.index("Viel Unterstützung"), content.index("Wenig Unterstützung"))

    def test_it_hides_unpublished_ideas_from_the_public(self) -> None:
        make_idea(title="Noch nicht geprüft", moderation=Moderation.PENDING)
        self.assertNotContains(self.client.get(reverse("ideas:list")), "Noch nicht geprüft")

    def test_it_shows_an_empty_state(self) -> None:
        self.assertContains(self.client.get(reverse("ideas:list")), "Keine Idee passt zu diesen Filtern.")

    def test_htmx_requests_get_only_the_results(self) -> None:
        make_idea(title="Eine Idee")
        response = self.client.get(reverse("ideas:list"), headers={"hx-request": "true"})
        self.assertContains(response, "Eine Idee")
        self.assertNotContains(response, "<html")

    def test_invalid_filters_are_ignored_not_errors(self) -> None:
        self.assertEqual(
            self.client.get(reverse("ideas:list"), {"status": "kaputt", "field": "abc", "page": "999"}).status_code, 200
        )

    def test_list_and_detail_queries_do_not_grow_with_the_data(self) -> None:
        first = make_idea(field_of_action=self.field, title="Weitere Idee zum Messen")
        make_idea(
            field_of_action=self.field, title="Weitere Idee als Nachbar"
        )  # so "similar ideas" has a match from the start
        make_comment(idea=first)

        def queries(url: str) -> int:
            with CaptureQueriesContext(connection) as context:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(context.captured_queries)

        self.login(self.citizen)
        before_list, before_detail = queries(reverse("ideas:list")), queries(first.get_absolute_url())
        for i in range(30):
            idea = make_idea(field_of_action=self.field, title=f"Weitere Idee {i}")
            idea_support(idea=first, user=self.make_supporter(i))
            make_comment(idea=first, text=f"Kommentar {i}")
            make_comment(idea=idea)
        self.assertEqual(queries(reverse("ideas:list")), before_list)
        self.assertEqual(queries(first.get_absolute_url()), before_detail)

    def make_supporter(self, i: int):
        from installation.testing import make_user

        return make_user(role="citizen", email=f"unterstuetzer{i}@example.org")


class ExportTests(BaseTestCase):
    def test_csv_export_follows_the_filters_and_neutralises_formulas(self) -> None:
        make_idea(title='=HYPERLINK("http://evil")', status=Idea.Status.IN_POOL)
        make_idea(title="Andere Idee")
        response = self.client.get(reverse("ideas:export_csv"), {"status": "in_pool"})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][1], '\'=HYPERLINK("http://evil")')

    def test_xlsx_export_has_a_header_and_one_row_per_idea(self) -> None:
        make_idea(title="Eins")
        make_idea(title="Zwei", author_email="geheim@example.org")
        response = self.client.get(reverse("ideas:export_xlsx"))
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        self.assertEqual(len(values), 3)
        self.assertNotIn("geheim@example.org", str(values))


class SimilarViewTests(BaseTestCase):
    def test_an_idea_page_loads_its_similar_ideas_afterwards_and_works_without_javascript(self) -> None:
        idea = make_idea(title="Anwohnerparkausweis online beantragen", description="Parkausweis digital.")
        make_idea(title="Parkausweis für Anwohnende digital", description="Ohne Termin im Bürgerbüro.")
        url = reverse("ideas:similar") + f"?idea={idea.pk}"
        self.assertContains(self.client.get(idea.get_absolute_url()), url.replace("&", "&amp;"))
        fragment = self.client.get(url, headers={"hx-request": "true"})
        self.assertContains(fragment, "Parkausweis für Anwohnende digital")
        self.assertNotContains(fragment, "<html")
        self.assertNotContains(fragment, "Anwohnerparkausweis online beantragen")
        page = self.client.get(url)
        self.assertContains(page, "<html")
        self.assertContains(page, "Parkausweis für Anwohnende digital")

    def test_similar_ideas_of_a_hidden_idea_are_not_shown(self) -> None:
        idea = make_idea(moderation=Moderation.HIDDEN)
        self.assertEqual(self.client.get(reverse("ideas:similar"), {"idea": idea.pk}).status_code, 404)
