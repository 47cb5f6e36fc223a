"""Merging: the moderator finds the idea to keep by title (with htmx as one types, and without
JavaScript by a plain search form), chooses it with a radio button, and confirms before anything moves."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ideas.models import Idea, Moderation
from installation.testing import BaseTestCase, make_idea

HTMX = {"HTTP_HX_REQUEST": "true"}


class MergeSearchTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.duplicate = make_idea(title="Bänke im Stadtpark", description="Mehr Sitzgelegenheiten.")
        self.kept = make_idea(title="Mehr Sitzbänke in Parks und Grünanlagen", description="Zum Ausruhen.")
        self.url = reverse("ideas:merge", args=[self.duplicate.pk])
        self.login(self.team)

    def test_the_page_asks_for_a_title_not_a_number(self) -> None:
        page = self.client.get(self.url)
        self.assertContains(page, 'role="search"')
        self.assertContains(page, "Zu behaltende Idee nach Titel oder Nummer suchen")
        self.assertNotContains(page, "Nummer der zu behaltenden Idee")

    def test_without_javascript_a_plain_search_lists_candidates_as_radio_buttons(self) -> None:
        page = self.client.get(self.url, {"q": "sitzbänke parks"})
        self.assertContains(page, f'type="radio" name="into" value="{self.kept.pk}"', html=False)
        self.assertContains(page, "<html", html=False)

    def test_with_htmx_only_the_results_come_back(self) -> None:
        part = self.client.get(self.url, {"q": "Sitzbänke"}, **HTMX)
        self.assertContains(part, f'value="{self.kept.pk}"', html=False)
        self.assertNotContains(part, "<html", html=False)
        self.assertNotContains(part, "csrfmiddlewaretoken")

    def test_a_number_finds_the_idea_too(self) -> None:
        page = self.client.get(self.url, {"q": str(self.kept.pk)})
        self.assertContains(page, f'value="{self.kept.pk}"', html=False)

    def test_only_ideas_that_may_be_kept_are_offered(self) -> None:
        merged = make_idea(title="Sitzbänke am Marktplatz", status=Idea.Status.MERGED, merged_into=self.kept)
        pending = make_idea(title="Sitzbänke am Bahnhof", moderation=Moderation.PENDING)
        page = self.client.get(self.url, {"q": "Sitzbänke"})
        self.assertContains(page, f'value="{self.kept.pk}"', html=False)
        for other in (merged, pending, self.duplicate):
            self.assertNotContains(page, f'value="{other.pk}"', html=False)
        nothing = self.client.get(self.url, {"q": "Schwimmbad"})
        self.assertContains(nothing, "Keine Idee, die behalten werden könnte, passt zu dieser Suche.")

    def test_the_search_costs_the_same_queries_however_many_ideas_match(self) -> None:
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.url, {"q": "Sitzbänke"}, **HTMX)
        for n in range(30):
            make_idea(title=f"Sitzbänke Nummer {n}")
        with CaptureQueriesContext(connection) as many:
            page = self.client.get(self.url, {"q": "Sitzbänke"}, **HTMX)
        self.assertEqual(len(few), len(many))
        self.assertContains(page, "Es werden die 20 zuletzt aktiven angezeigt")

    def test_choosing_asks_for_confirmation_before_anything_moves(self) -> None:
        page = self.client.post(self.url, {"into": self.kept.pk, "reason": "Gleicher Vorschlag."})
        self.assertContains(page, "Zusammenführung bestätigen")
        self.assertContains(page, self.kept.title)
        self.duplicate.refresh_from_db()
        self.assertNotEqual(self.duplicate.status, Idea.Status.MERGED)
        done = self.client.post(self.url, {"into": self.kept.pk, "reason": "Gleicher Vorschlag.", "confirm": "yes"})
        self.assertRedirects(done, self.kept.get_absolute_url(), fetch_redirect_response=False)
        self.duplicate.refresh_from_db()
        self.assertEqual((self.duplicate.status, self.duplicate.merged_into), (Idea.Status.MERGED, self.kept))

    def test_bad_choices_get_clear_errors_and_merge_nothing(self) -> None:
        merged = make_idea(title="Schon zusammengeführt", status=Idea.Status.MERGED, merged_into=self.kept)
        cases = [
            ({"reason": "x", "confirm": "yes"}, "Bitte wählen Sie die Idee, die behalten werden soll."),
            ({"into": merged.pk, "reason": "x", "confirm": "yes"}, "wurde selbst bereits zusammengeführt"),
            (
                {"into": 999999, "reason": "x", "confirm": "yes"},
                "Es gibt keine veröffentlichte Idee mit dieser Nummer.",
            ),
            ({"into": self.kept.pk, "reason": "", "confirm": "yes"}, "Dieses Feld ist zwingend erforderlich."),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                self.assertContains(self.client.post(self.url, data), message)
        self.duplicate.refresh_from_db()
        self.assertNotEqual(self.duplicate.status, Idea.Status.MERGED)
        self.assertIsNone(self.duplicate.merged_into)

    def test_only_moderators_may_search_or_merge(self) -> None:
        for user in (self.citizen, self.staff, self.council):
            self.login(user)
            self.assertEqual(self.client.get(self.url, {"q": "Sitzbänke"}).status_code, 404)
            response = self.client.post(self.url, {"into": self.kept.pk, "reason": "x", "confirm": "yes"})
            self.assertEqual(response.status_code, 404)
        self.duplicate.refresh_from_db()
        self.assertIsNone(self.duplicate.merged_into)
