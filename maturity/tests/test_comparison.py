"""Opt-in comparison with other municipalities: what is shared, how it is read, and what the results page shows."""

import json

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from exchange.models import Peer
from exchange.samples import FakeInstallation
from exchange.signing import installation_key, verify
from exchange.testing import Responder, serve
from installation.testing import BaseTestCase, make_unit, make_user
from maturity.models import PeerMaturity, Round, Settings
from maturity.peering import accept_aggregate, sync_peer_maturity
from maturity.samples import aggregate_document
from maturity.sharing import fingerprint, signed_part
from maturity.testing import answer_all, make_round

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ENDPOINT = "/api/v1/exchange/maturity"
KEYS = ["strategy", "organisation", "competences", "workplace", "processes", "data", "participation", "security"]


def opt_in(value: bool = True) -> None:
    Settings.objects.update_or_create(pk=1, defaults={"share_aggregates": value})


class SharingTests(BaseTestCase):
    """The publishing side: nothing without opt-in, only aggregates with it."""

    def setUp(self) -> None:
        super().setUp()
        self.round = make_round(team=self.team, title="Runde Vertraulich")
        self.other_unit = make_unit(name="Amt für Geheimes", short_name="FB 9")
        answer_all(round=self.round, user=self.staff, unit=self.unit, score=1, evidence="Nur intern: Server im Keller")
        answer_all(round=self.round, user=self.lead, unit=self.other_unit, score=2)
        answer_all(round=self.round, user=self.team, unit=self.unit, score=4)
        Round.objects.filter(pk=self.round.pk).update(state=Round.State.CLOSED)

    def test_it_serves_nothing_without_opt_in(self) -> None:
        response = self.client.get(ENDPOINT)
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("dimensions", response.json())
        self.assertNotIn("Server im Keller", response.content.decode())

    def test_it_shares_only_signed_aggregates_once_the_strategy_team_opts_in(self) -> None:
        self.login(self.staff)
        self.assertEqual(self.client.post(reverse("maturity:settings"), {"share_aggregates": "on"}).status_code, 403)
        self.login(self.team)
        self.client.post(reverse("maturity:settings"), {"share_aggregates": "on"})
        self.assertTrue(Settings.load().share_aggregates)
        self.client.logout()

        document = self.client.get(ENDPOINT).json()
        self.assertEqual(
            set(document),
            {
                "format",
                "version",
                "publisher",
                "generated_at",
                "questionnaire",
                "assessed_on",
                "scale",
                "respondents",
                "dimensions",
                "signature",
            },
        )
        self.assertEqual(document["respondents"], "3-9")
        self.assertEqual(document["dimensions"]["competences"], {"mean": 2.3, "median": 2.0})  # (1 + 2 + 4) / 3
        self.assertEqual(set(document["dimensions"]), set(KEYS))
        text = json.dumps(document, ensure_ascii=False)
        for secret in (
            "Server im Keller",
            "Sam Staff",
            "Lena Lead",
            "Tea Team",
            "staff@example.org",
            "Amt für Geheimes",
        ):
            self.assertNotIn(secret, text)
        self.assertNotIn("Runde Vertraulich", text)
        self.assertEqual(document["questionnaire"], fingerprint(self.round.questionnaire.dimensions.all()))
        self.assertTrue(verify(signed_part(document), document["signature"], installation_key().public_key))

        # Turning it off withdraws the aggregate.
        self.login(self.team)
        self.client.post(reverse("maturity:settings"), {"share_aggregates": ""})
        self.client.logout()
        self.assertEqual(self.client.get(ENDPOINT).status_code, 404)

    def test_a_round_with_fewer_than_three_respondents_is_not_shared(self) -> None:
        opt_in()
        self.round.responses.filter(user=self.team).delete()
        self.assertEqual(self.client.get(ENDPOINT).status_code, 404)
        self.login(self.team)
        page = self.client.get(reverse("maturity:settings"), **EN)
        self.assertContains(page, "has 2 respondents; at least 3 are needed")

    def test_the_settings_page_previews_exactly_what_is_shared(self) -> None:
        self.login(self.team)
        page = self.client.get(reverse("maturity:settings"))
        self.assertContains(page, "Was geteilt würde")
        self.assertContains(page, "competences")
        self.assertContains(page, '<th class="kern-table__header" scope="row">Kompetenzen</th>', html=False)
        self.assertContains(page, "abgeschlossen im März 2026")  # the month in words, not "2026-03"
        self.assertNotContains(page, "Server im Keller")


class PeerSyncTests(BaseTestCase):
    """The reading side: schema, pinned key and signature are checked before anything is stored."""

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))  # the reasons are recorded in the active language
        self.responder = Responder()
        self.server, self.url = serve(self.responder)
        self.addCleanup(self.server.shutdown)
        self.town = FakeInstallation(name="Musterstadt")
        self.peer = Peer.objects.create(url=self.url, public_key=self.town.public_key)
        self.code = "a" * 64

    def document(self, **overrides) -> dict:
        return aggregate_document(self.town, questionnaire=self.code, means=dict.fromkeys(KEYS, 2.0), **overrides)

    def sync(self):
        return sync_peer_maturity([self.peer])[0]

    def test_a_signed_aggregate_is_stored(self) -> None:
        self.responder.json(self.document())
        outcome = self.sync()
        self.assertTrue(outcome.ok and outcome.shared, outcome.error)
        stored = PeerMaturity.objects.get(peer=self.peer)
        self.assertEqual(
            (stored.questionnaire, stored.respondents, stored.assessed_on), (self.code, "10-24", "2025-11")
        )
        self.assertEqual(stored.dimensions["data"], {"mean": 2.0, "median": 2.0})
        self.assertEqual(self.responder.requests[-1]["path"], ENDPOINT)

    def test_a_tampered_aggregate_is_refused_with_the_reason_and_the_last_good_one_stays(self) -> None:
        self.responder.json(self.document())
        self.sync()
        tampered = self.document()
        tampered["dimensions"]["data"]["mean"] = 4.0  # changed after signing
        self.responder.json(tampered)
        outcome = self.sync()
        self.assertFalse(outcome.ok)
        stored = PeerMaturity.objects.get(peer=self.peer)
        self.assertIn("signature", stored.last_error)
        self.assertIsNotNone(stored.last_error_at)
        self.assertEqual(stored.dimensions["data"]["mean"], 2.0)
        self.login(self.team)
        page = self.client.get(reverse("maturity:settings"), **EN)
        self.assertContains(page, "1 other municipality shares its aggregate")
        self.assertContains(page, "the signature of the maturity aggregate does not match")

    def test_another_key_or_no_pinned_key_is_refused(self) -> None:
        forger = FakeInstallation()
        self.responder.json(aggregate_document(forger, questionnaire=self.code, means={"data": 4.0}))
        self.assertIn("another key", self.sync().error)
        self.responder.json(self.document(signer=forger))
        self.assertIn("signature", self.sync().error)
        Peer.objects.filter(pk=self.peer.pk).update(public_key="")
        self.peer.refresh_from_db()
        self.responder.json(self.document())
        self.assertIn("no key pinned", self.sync().error)
        self.assertFalse(PeerMaturity.objects.shared().exists())

    def test_a_document_of_the_wrong_shape_is_refused_and_stores_no_aggregate(self) -> None:
        for document in (
            self.document(respondents="2"),  # below the minimum: not a bucket
            self.document(scale={"min": 1, "max": 5}),
            {**self.document(), "dimensions": {"data": {"mean": 7, "median": 1}}},
            {"format": "etappe-maturity-aggregate", "version": 2},
            ["not", "an", "object"],
        ):
            self.responder.json(document)
            outcome = self.sync()
            self.assertFalse(outcome.ok)
            self.assertIn("not a maturity aggregate of version 1", outcome.error)
        self.responder.body = b"{not json"
        self.assertIn("not valid JSON", self.sync().error)
        self.assertFalse(PeerMaturity.objects.shared().exists())
        self.assertEqual(PeerMaturity.objects.get(peer=self.peer).dimensions, {})

    def test_an_oversized_answer_is_cut_off(self) -> None:
        self.responder.json(self.document(padding="x" * 70_000))
        self.assertIn("larger than", self.sync().error)
        self.assertFalse(PeerMaturity.objects.shared().exists())

    def test_a_404_withdraws_what_the_peer_shared_before(self) -> None:
        self.responder.json(self.document())
        self.sync()
        self.responder.json({"message": "This municipality does not share maturity aggregates."}, status=404)
        outcome = self.sync()
        self.assertTrue(outcome.ok)
        self.assertFalse(outcome.shared)
        self.assertFalse(PeerMaturity.objects.shared().exists())

    def test_the_command_fetches_every_active_peer(self) -> None:
        self.responder.json(self.document())
        Peer.objects.create(url="https://paused.example", active=False)
        call_command("maturity_sync_peers", "--all", stdout=(out := _Output()))
        self.assertIn("1 peers: 1 share an aggregate, 0 share nothing, 0 failed", out.text)


class _Output:
    def __init__(self) -> None:
        self.text = ""

    def write(self, value: str) -> None:
        self.text += value

    def flush(self) -> None:
        pass


class ComparisonTests(BaseTestCase):
    """The results page: the median of others only from five municipalities with the same questionnaire on."""

    def setUp(self) -> None:
        super().setUp()
        self.round = make_round(team=self.team)
        answer_all(round=self.round, user=self.staff, unit=self.unit, score=2)
        self.code = fingerprint(self.round.questionnaire.dimensions.all())
        self.url = reverse("maturity:results", args=[self.round.pk])
        self.login(self.council)

    def share(self, means: dict[str, float], *, code: str | None = None) -> None:
        """Another municipality's aggregate, accepted through the same checks as a sync."""
        town = FakeInstallation()
        peer = Peer.objects.create(url=f"https://etappe{Peer.objects.count()}.example", public_key=town.public_key)
        accept_aggregate(peer, aggregate_document(town, questionnaire=code or self.code, means=means))

    def test_fewer_than_five_municipalities_show_no_median_but_say_why(self) -> None:
        for value in (1.0, 2.0, 3.0, 4.0):
            self.share(dict.fromkeys(KEYS, value))
        page = self.client.get(self.url, **EN)
        self.assertFalse(page.context["comparison"].shown)
        self.assertNotContains(page, "radar-series--network")
        self.assertNotContains(page, "Other municipalities (median")
        self.assertContains(page, "4 other municipalities with the same questionnaire share their results")
        self.assertContains(page, "only from 5 municipalities on")
        german = self.client.get(self.url)
        self.assertContains(german, "erst ab 5 Kommunen")

    def test_five_or_more_show_the_median_of_others_and_other_versions_are_ignored(self) -> None:
        competences = [1.0, 2.6, 3.0, 1.4, 2.0, 3.5]  # sorted 1.0 1.4 2.0 2.6 3.0 3.5 → (2.0 + 2.6) / 2
        for number, value in enumerate(competences):
            means = dict.fromkeys(KEYS, 1.0) | {"competences": value}
            if number < 2:
                del means["security"]  # shared by four only: too few for a median
            self.share(means)
        self.share(dict.fromkeys(KEYS, 4.0), code="0" * 64)  # another questionnaire: not comparable
        page = self.client.get(self.url, **EN)
        comparison = page.context["comparison"]
        self.assertEqual((comparison.municipalities, comparison.shown), (6, True))
        results = page.context["results"]
        self.assertEqual(results.dimension("competences").network, 2.3)
        self.assertEqual(results.dimension("strategy").network, 1.0)
        self.assertIsNone(results.dimension("security").network)
        self.assertContains(page, "Other municipalities (median of 6)")
        self.assertContains(page, "radar-series--network")
        self.assertContains(page, '<rect x="-4" y="-4" width="8" height="8"', count=8)  # squares, not colour only
        self.assertContains(page, "median of the mean levels of 6 other municipalities")
        self.assertNotContains(page, "etappe0.example")  # anonymous: no names, no addresses
        german = self.client.get(self.url)
        self.assertContains(german, "Andere Kommunen (Median von 6)")

    def test_the_comparison_costs_one_query_however_many_municipalities_share(self) -> None:
        make_user(email="x@example.org")
        with CaptureQueriesContext(connection) as none:
            self.client.get(self.url)
        for value in (1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0):
            self.share(dict.fromkeys(KEYS, value))
        with CaptureQueriesContext(connection) as many:
            page = self.client.get(self.url)
        self.assertTrue(page.context["comparison"].shown)
        self.assertEqual(len(many), len(none))
