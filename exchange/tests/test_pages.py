from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exchange.models import Adoption, Follow, Peer, ReceivedItem
from ideas.models import Idea
from installation.testing import BaseTestCase, make_idea

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def make_item(peer: Peer, number: int, **overrides) -> ReceivedItem:
    values = {
        "peer": peer,
        "kind": "lesson",
        "uid": f"urn:etappe:x:lesson:{number}",
        "municipality": "Musterstadt",
        "ars": "051110000000",
        "state": "Nordrhein-Westfalen",
        "title": "Chatbot im Bürgerbüro gescheitert",
        "summary": "Der Chatbot verstand die Fragen nicht.",
        "outcome": "failed",
        "document": {"title": "Chatbot", "advice": "Erst die FAQ verbessern."},
        "remote_changed_at": timezone.now(),
        "signature": "x",
    }
    values.update(overrides)
    return ReceivedItem.objects.create(**values)


class ExchangePageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.peer = Peer.objects.create(url="https://etappe.musterstadt.example", name="Musterstadt")
        self.failed = make_item(self.peer, 1)
        self.project = make_item(
            self.peer,
            2,
            kind="project",
            title="Digitale Bauakte",
            summary="Bauanträge online.",
            outcome="",
            status="completed",
        )
        self.gone = make_item(self.peer, 3, title="Zurückgezogen", withdrawn=True)

    def test_the_list_shows_failures_and_hides_withdrawn_items(self) -> None:
        response = self.client.get(reverse("exchange:index"), **EN)
        self.assertContains(response, "Chatbot im Bürgerbüro gescheitert")
        self.assertContains(response, "failed")
        self.assertNotContains(response, "Zurückgezogen")
        self.assertEqual(self.client.get(self.gone.get_absolute_url()).status_code, 404)
        response = self.client.get(reverse("exchange:index"), {"outcome": "failed"}, **EN)
        self.assertNotContains(response, "Digitale Bauakte")

    def test_search_in_page_and_api(self) -> None:
        response = self.client.get(reverse("exchange:index"), {"q": "Bauakte"})
        self.assertContains(response, "Digitale Bauakte")
        self.assertNotContains(response, "Chatbot im")
        body = self.client.get("/api/v1/exchange/search", {"q": "chatbot"}).json()
        self.assertEqual([row["title"] for row in body], ["Chatbot im Bürgerbüro gescheitert"])
        self.assertEqual(body[0]["outcome"], "failed")
        for nasty in ['"', "*", "-", "OR", "NEAR(", "'; DROP TABLE", "😀", "x" * 10000]:
            self.assertEqual(self.client.get("/api/v1/exchange/search", {"q": nasty}).status_code, 200)

    def test_adopting_creates_an_idea_that_keeps_its_source(self) -> None:
        self.login(self.staff)
        response = self.client.post(reverse("exchange:item_adopt", args=[self.failed.pk]))
        idea = Idea.objects.get(source="exchange")
        self.assertRedirects(response, idea.get_absolute_url())
        self.assertIn("Musterstadt", idea.description)
        self.assertIn("Erst die FAQ verbessern.", idea.description)
        self.assertEqual(Adoption.objects.get().item, self.failed)
        self.assertContains(self.client.get(idea.get_absolute_url(), **EN), "Adapted from Musterstadt")
        self.login(self.citizen)
        self.assertEqual(self.client.post(reverse("exchange:item_adopt", args=[self.failed.pk])).status_code, 403)

    def test_who_has_done_this_before_on_an_idea(self) -> None:
        idea = make_idea(title="Chatbot für Bürgeranfragen", description="Ein Chatbot beantwortet Fragen.")
        response = self.client.get(reverse("exchange:similar"), {"idea": idea.pk}, HTTP_HX_REQUEST="true", **EN)
        self.assertContains(response, "Chatbot im Bürgerbüro gescheitert")
        self.assertContains(response, "Musterstadt")
        self.assertNotContains(response, "<html")
        self.assertContains(self.client.get(reverse("exchange:similar"), {"idea": idea.pk}), "<html")

    def test_who_has_done_this_before_refuses_odd_ids_and_limits_anonymous_look_ups(self) -> None:
        from ideas.similarity import SIMILAR_LIMIT

        idea = make_idea(title="Chatbot für Bürgeranfragen")
        for odd in ("²", "1e3", "-1", "9" * 40):
            response = self.client.get(reverse("exchange:similar"), {"idea": odd}, headers={"hx-request": "true"})
            self.assertEqual(response.status_code, 200, odd)
        for _ in range(SIMILAR_LIMIT[0] - 4):
            self.client.get(reverse("exchange:similar"), {"idea": idea.pk}, headers={"hx-request": "true"})
        limited = self.client.get(reverse("exchange:similar"), {"idea": idea.pk}, HTTP_HX_REQUEST="true", **EN)
        self.assertContains(limited, "Too many look-ups", status_code=429)
        self.login(self.citizen)  # people with an account are not counted
        self.assertEqual(self.client.get(reverse("exchange:similar"), {"idea": idea.pk}).status_code, 200)

    def test_following_a_municipality_and_a_topic_fills_the_activity_stream(self) -> None:
        other = Peer.objects.create(url="https://etappe.andere.example", name="Anderstadt")
        make_item(
            other, 9, title="Anderes Projekt", ars="099990000000", municipality="Anderstadt", kind="project", outcome=""
        )
        self.login(self.citizen)
        self.client.post(reverse("exchange:follow"), {"ars": "051110000000", "municipality": "Musterstadt"})
        response = self.client.get(reverse("exchange:activity"))
        self.assertContains(response, "Chatbot im Bürgerbüro gescheitert")
        self.assertNotContains(response, "Anderes Projekt")
        self.client.post(reverse("exchange:follow"), {"topic": "Anderes"})
        self.assertContains(self.client.get(reverse("exchange:activity")), "Anderes Projekt")
        self.client.post(reverse("exchange:follow"), {"topic": ""}, **EN)
        self.assertEqual(Follow.objects.filter(user=self.citizen).count(), 2)

    def test_the_directory_groups_municipalities_by_state(self) -> None:
        response = self.client.get(reverse("exchange:directory"))
        self.assertContains(response, "Nordrhein-Westfalen")
        self.assertContains(response, "Musterstadt")

    def test_the_strategy_team_adds_pauses_and_removes_peers(self) -> None:
        self.login(self.team)
        response = self.client.post(reverse("exchange:peers"), {"url": "http://etappe.unsicher.example"}, **EN)
        self.assertContains(response, "https only")
        response = self.client.post(reverse("exchange:peers"), {"url": "https://etappe.neu.example/"})
        peer = Peer.objects.get(url="https://etappe.neu.example")
        self.assertRedirects(response, peer.get_absolute_url())
        self.client.post(reverse("exchange:peer_toggle", args=[peer.pk]))
        peer.refresh_from_db()
        self.assertFalse(peer.active)
        self.client.post(reverse("exchange:peer_delete", args=[peer.pk]))
        self.assertFalse(Peer.objects.filter(pk=peer.pk).exists())

    def test_list_queries_do_not_grow_with_the_items(self) -> None:
        with CaptureQueriesContext(connection) as few:
            self.client.get(reverse("exchange:index"))
        for i in range(10, 40):
            make_item(self.peer, i)
        with CaptureQueriesContext(connection) as many:
            self.client.get(reverse("exchange:index"))
        self.assertEqual(len(few), len(many))
