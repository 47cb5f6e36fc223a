"""Hostile maturity aggregates from peers (issue 14, "also"): refused with a reason, nothing stored, the others go on.

A peer signs whatever it likes with its own key, so a valid signature proves nothing about the
content: NaN and Infinity, numbers far off the scale, wrong types, negative or non-bucket counts,
deep nesting, NUL characters and broken Unicode must all be refused before anything is stored,
the reason must never quote the answer, and the aggregate accepted before stays.
"""

import base64
import json
from unittest import mock

from django.conf import settings
from django.test import override_settings
from django.utils import translation

from exchange.models import Peer
from exchange.samples import FakeInstallation
from exchange.signing import canonical
from exchange.testing import Responder, serve
from installation.testing import BaseTestCase
from maturity.models import PeerMaturity
from maturity.peering import accept_aggregate, sync_peer_maturity
from maturity.samples import aggregate_document

KEYS = ["strategy", "data"]
UNREACHABLE = "could not reach the installation, or it did not answer in time"


def resign(town: FakeInstallation, document: dict) -> dict:
    """The document signed again after a change, as its (hostile) publisher would."""
    unsigned = {key: value for key, value in document.items() if key != "signature"}
    return {**unsigned, "signature": base64.b64encode(town.private.sign(canonical(unsigned))).decode()}


class HostileAggregateTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))
        self.responder = Responder()
        self.server, self.url = serve(self.responder)
        self.addCleanup(self.server.shutdown)
        self.town = FakeInstallation(name="Musterstadt")
        self.peer = Peer.objects.create(url=self.url, public_key=self.town.public_key)
        self.good = aggregate_document(self.town, questionnaire="a" * 64, means=dict.fromkeys(KEYS, 2.0))

    def sync(self):
        return sync_peer_maturity([self.peer])[0]

    def with_mean(self, value) -> dict:
        document = json.loads(json.dumps(self.good))
        document["dimensions"]["data"]["mean"] = value
        return resign(self.town, document)

    def hostile_bodies(self) -> list[tuple[str, bytes, str]]:
        def body(document) -> bytes:
            return json.dumps(document).encode()

        nan = self.with_mean(float("nan"))
        return [
            ("NaN", body(nan), "not finite"),
            ("Infinity", body(self.with_mean(float("inf"))), "not finite"),
            ("1e999", body(self.good).replace(b'"mean": 2.0', b'"mean": 1e999', 1), "not finite"),
            ("huge", body(self.with_mean(1e300)), "maximum"),
            ("huge integer", body(self.with_mean(10**40)), "too large"),
            ("negative", body(self.with_mean(-1)), "minimum"),
            ("a string", body(self.with_mean("2")), "type"),
            ("a boolean", body(self.with_mean(True)), "type"),
            ("null", body(self.with_mean(None)), "type"),
            ("negative count", body(resign(self.town, {**self.good, "respondents": -5})), "respondents"),
            ("count as a number", body(resign(self.town, {**self.good, "respondents": 12})), "respondents"),
            ("dimensions as a list", body(resign(self.town, {**self.good, "dimensions": [1, 2]})), "dimensions"),
            ("deep", b'{"a": ' + b"[" * 30_000 + b"]" * 30_000 + b"}", "deeper than"),
            ("NUL", body(resign(self.town, {**self.good, "note": "a\x00b"})), "NUL"),
            ("lone surrogate", body(self.good).replace(b'"Musterstadt"', b'"Muster\\udc00stadt"'), "Unicode"),
        ]

    def test_each_hostile_aggregate_is_refused_with_a_reason_and_the_last_good_one_stays(self) -> None:
        self.responder.json(self.good)
        self.assertTrue(self.sync().ok)
        for name, body, reason in self.hostile_bodies():
            with self.subTest(name):
                self.responder.status, self.responder.body = 200, body
                outcome = self.sync()
                self.assertFalse(outcome.ok)
                self.assertIn(reason, outcome.error)
                stored = PeerMaturity.objects.get(peer=self.peer)
                self.assertEqual(stored.last_error, outcome.error)
                self.assertEqual(stored.dimensions["data"], {"mean": 2.0, "median": 2.0})

    def test_accept_aggregate_refuses_non_finite_numbers_even_without_the_parser(self) -> None:
        from exchange.fetching import FeedRefused

        for value in (float("nan"), float("inf"), -0.5, 4.5):
            with self.subTest(value), self.assertRaises(FeedRefused):
                accept_aggregate(self.peer, self.with_mean(value))
        self.assertFalse(PeerMaturity.objects.exists())

    def test_a_refusal_never_quotes_the_answer(self) -> None:
        secret = "SECRET-c0ffee"
        for document in (
            [secret],
            {**self.good, "respondents": secret},
            {**self.good, "dimensions": {secret: {"mean": secret, "median": 1}}},
            {**self.good, "publisher": {"public_key": secret}},
        ):
            with self.subTest(document=str(document)[:60]):
                self.responder.json(document)
                outcome = self.sync()
                self.assertFalse(outcome.ok)
                self.assertNotIn(secret, outcome.error)
        self.responder.json({"detail": secret}, status=500)
        self.assertNotIn(secret, self.sync().error)

    def test_one_peer_that_breaks_the_database_does_not_stop_the_others(self) -> None:
        other_responder = Responder()
        server, url = serve(other_responder)
        self.addCleanup(server.shutdown)
        other_town = FakeInstallation(name="Gutstadt")
        other = Peer.objects.create(url=url, public_key=other_town.public_key)
        other_responder.json(aggregate_document(other_town, questionnaire="b" * 64, means=dict.fromkeys(KEYS, 3.0)))
        self.responder.json(self.good)
        original = PeerMaturity.objects.update_or_create

        def broken(*args, **kwargs):
            if kwargs.get("peer") == self.peer:
                raise ValueError("the database refused it")
            return original(*args, **kwargs)

        with mock.patch.object(PeerMaturity.objects, "update_or_create", side_effect=broken):
            outcomes = {o.peer_id: o for o in sync_peer_maturity([self.peer, other])}
        self.assertTrue(outcomes[other.pk].ok)
        self.assertFalse(outcomes[self.peer.pk].ok)
        self.assertEqual(PeerMaturity.objects.shared().get().peer, other)
        self.assertIn("could not be processed", PeerMaturity.objects.get(peer=self.peer).last_error)

    @override_settings(ETAPPE_EXCHANGE={**settings.ETAPPE_EXCHANGE, "ALLOWED_NETWORKS": []})
    def test_a_peer_on_a_private_address_is_never_contacted(self) -> None:
        self.responder.json(self.good)
        self.assertEqual(self.sync().error, UNREACHABLE)
        self.assertEqual(self.responder.requests, [])

    @override_settings(ETAPPE_EXCHANGE={**settings.ETAPPE_EXCHANGE, "DEADLINE": 1.0})
    def test_a_dripping_peer_is_cut_off(self) -> None:
        self.responder.json(self.good)
        self.responder.drip = 0.2
        self.assertEqual(self.sync().error, UNREACHABLE)
