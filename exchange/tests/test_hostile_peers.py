"""Hostile and broken peers (issue 14, findings 2–5): every peer in isolation, nothing lost, no SSRF.

- A validly signed page with a bad date, NaN/Infinity, a 200,000-level nesting, text that cannot
  be stored or wrong types is refused with a reason recorded on the peer – never a 500 – and a
  good peer synced in the same run stores its items.
- A peer that drips its answer is cut off by the total deadline.
- `next` links keep their query string; a refused page keeps the cursor and the ETag, so an item
  damaged on the way arrives once the path is clean; a success clears the last error.
- Peers must be at public addresses, checked after resolution at every request (DNS rebinding);
  errors never quote the answer and every connection failure reads the same.
"""

import base64
import io
import json
import os
import socket
import subprocess
import sys
import time
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import translation

from exchange.fetching import FeedRefused, address_allowed, check_allowed_networks, nesting_depth, parse_json
from exchange.models import Peer, ReceivedItem
from exchange.samples import FakeInstallation, lesson_data, project_data
from exchange.services import ExchangeError, peer_add
from exchange.signing import canonical
from exchange.sync import sync_peers
from exchange.testing import Responder, serve, tls_contexts
from installation.testing import BaseTestCase

FEED = "/api/v1/exchange/feed"
NO_PRIVATE = {**settings.ETAPPE_EXCHANGE, "ALLOWED_NETWORKS": []}
UNREACHABLE = "could not reach the installation, or it did not answer in time"


def signed(town: FakeInstallation, payload: dict) -> dict:
    """An item signed over whatever the payload holds (NaN included), as a hostile peer would sign it."""
    signature = base64.b64encode(town.private.sign(canonical(payload))).decode()
    return {**payload, "signature": signature}


def raw_item(town: FakeInstallation, number: int = 1, **changes) -> dict:
    payload = {
        "uid": f"urn:etappe:{town.public_key[:16]}:project:{number}",
        "type": "project",
        "changed_at": "2026-05-01T10:00:00+00:00",
        "withdrawn": False,
        "data": project_data(),
    }
    payload.update(changes)
    return signed(town, payload)


class PeerTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))
        self.responder = Responder()
        self.server, self.url = serve(self.responder)
        self.addCleanup(self.server.shutdown)
        self.peer = Peer.objects.create(url=self.url)
        self.town = FakeInstallation()

    def sync(self, peer: Peer | None = None):
        peer = peer or self.peer
        outcome = sync_peers([peer])[0]
        peer.refresh_from_db()
        return outcome

    def serve_raw(self, body: bytes, responder: Responder | None = None) -> None:
        responder = responder or self.responder
        responder.status, responder.body = 200, body
        responder.headers = {"Content-Type": "application/json"}


class MalformedDocumentTests(PeerTestCase):
    """Finding 2: every kind of malformed document is refused with a recorded reason, never a 500."""

    def hostile_bodies(self) -> list[tuple[str, bytes, str]]:
        town = self.town
        page = town.page
        nan_data = {**project_data(), "budget_planned": float("nan")}
        inf_data = {**project_data(), "budget_spent": float("inf")}
        deep = b'{"format": "etappe-exchange", "x": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
        return [
            ("bad date", json.dumps(page([raw_item(town, changed_at="not-a-date")])).encode(), "changed_at"),
            (
                "date without zone",
                json.dumps(page([raw_item(town, changed_at="2026-05-01T10:00:00")])).encode(),
                "changed_at",
            ),
            (
                "date overflowing",
                json.dumps(page([raw_item(town, changed_at="0001-01-01T00:00:00+01:00")])).encode(),
                "changed_at",
            ),
            ("NaN", json.dumps(page([raw_item(town, data=nan_data)])).encode(), "not finite"),
            ("Infinity", json.dumps(page([raw_item(town, data=inf_data)])).encode(), "not finite"),
            (
                "1e999",
                json.dumps(page([raw_item(town)])).encode().replace(b'"kpis": []', b'"kpis": [], "n": 1e999'),
                "not finite",
            ),
            (
                "huge integer",
                json.dumps(page([raw_item(town, data={**project_data(), "progress": 10**30})])).encode(),
                "too large",
            ),
            ("deep nesting", deep, "deeper than"),
            (
                "lone surrogate",
                json.dumps(page([raw_item(town)])).encode().replace(b"Digitale Bauakte", b"a\\ud800b"),
                "Unicode",
            ),
            ("wrong types", json.dumps(page([raw_item(town, changed_at=5, withdrawn="no")])).encode(), "items/0"),
            ("items not a list", json.dumps({**page([]), "items": {"a": 1}}).encode(), "items"),
            ("not an object", b"[1, 2, 3]", "document"),
        ]

    def test_the_sync_view_refuses_each_with_a_reason_and_answers_no_500(self) -> None:
        self.login(self.team)
        for name, body, reason in self.hostile_bodies():
            with self.subTest(name):
                failures = self.peer.failures
                self.serve_raw(body)
                response = self.client.post(
                    reverse("exchange:peer_sync", args=[self.peer.pk]), headers={"accept-language": "en"}
                )
                self.assertRedirects(response, self.peer.get_absolute_url(), fetch_redirect_response=False)
                self.peer.refresh_from_db()
                self.assertIn(reason, self.peer.last_error)
                self.assertEqual(self.peer.failures, failures + 1)
                self.assertIsNotNone(self.peer.next_attempt_at)
                self.assertFalse(ReceivedItem.objects.exists())

    def test_a_validly_signed_nan_never_reaches_the_database(self) -> None:
        """NaN broke the JSON check constraint on SQLite (IntegrityError) and jsonb on PostgreSQL."""
        self.serve_raw(
            json.dumps(
                self.town.page([raw_item(self.town, data={**project_data(), "budget_planned": float("nan")})])
            ).encode()
        )
        outcome = self.sync()
        self.assertFalse(outcome.ok)
        self.assertEqual(self.peer.failures, 1)
        self.assertFalse(ReceivedItem.objects.exists())

    def test_a_nul_character_is_removed_before_storing(self) -> None:
        """PostgreSQL refuses NUL in text and in jsonb: the cleaning removes it from every string and key."""
        data = {**project_data(title="Akte\x00 digital"), "extra\x00key": ["a\x00b"]}
        self.responder.json(self.town.page([self.town.item("project", 1, data)]))
        outcome = self.sync()
        self.assertTrue(outcome.ok, outcome.error)
        item = ReceivedItem.objects.get()
        self.assertEqual(item.title, "Akte digital")
        self.assertNotIn("\x00", json.dumps(item.document))


class IsolationTests(PeerTestCase):
    """Finding 2: one hostile peer never stops the others, in the periodic command too."""

    def setUp(self) -> None:
        super().setUp()
        self.good_responder = Responder()
        server, url = serve(self.good_responder)
        self.addCleanup(server.shutdown)
        self.good = Peer.objects.create(url=url)
        self.good_town = FakeInstallation(name="Gutstadt")
        self.good_responder.json(
            self.good_town.page(
                [self.good_town.item("project", 1, project_data()), self.good_town.item("lesson", 2, lesson_data())]
            )
        )

    def test_exchange_sync_stores_the_good_peer_and_records_the_bad_one(self) -> None:
        for body in (
            json.dumps(self.town.page([raw_item(self.town, changed_at="not-a-date")])).encode(),
            b"[" * 200_000 + b"]" * 200_000,
            json.dumps(
                self.town.page([raw_item(self.town, data={**project_data(), "budget_planned": float("nan")})])
            ).encode(),
        ):
            with self.subTest(body=body[:30]):
                ReceivedItem.objects.all().delete()
                Peer.objects.update(next_attempt_at=None, etag="", cursor="", failures=0)
                self.serve_raw(body)
                with self.assertRaises(SystemExit):  # the command exits 1 when a peer failed
                    call_command("exchange_sync", stdout=io.StringIO())
                self.good.refresh_from_db()
                self.peer.refresh_from_db()
                self.assertEqual(ReceivedItem.objects.filter(peer=self.good).count(), 2)
                self.assertEqual((self.good.failures, self.good.last_error, self.good.items_received), (0, "", 2))
                self.assertEqual(self.peer.failures, 1)
                self.assertTrue(self.peer.last_error)
                self.assertIsNotNone(self.peer.next_attempt_at)
                self.assertFalse(Peer.objects.due().filter(pk=self.peer.pk).exists())

    def test_an_error_while_storing_is_recorded_on_that_peer_only(self) -> None:
        self.responder.json(self.town.page([self.town.item("project", 1, project_data())]))
        original = ReceivedItem.objects.update_or_create

        def broken(*args, **kwargs):
            if kwargs.get("peer") == self.peer:
                raise ValueError("the database refused it")
            return original(*args, **kwargs)

        with mock.patch.object(ReceivedItem.objects, "update_or_create", side_effect=broken):
            outcomes = {o.peer_id: o for o in sync_peers([self.peer, self.good])}
        self.assertTrue(outcomes[self.good.pk].ok)
        self.assertFalse(outcomes[self.peer.pk].ok)
        self.assertEqual(ReceivedItem.objects.filter(peer=self.good).count(), 2)
        self.assertFalse(ReceivedItem.objects.filter(peer=self.peer).exists())
        self.peer.refresh_from_db()
        self.assertEqual((self.peer.failures, self.peer.cursor), (1, ""))
        self.assertIn("could not be processed", self.peer.last_error)
        self.assertNotIn("database refused", self.peer.last_error)

    @override_settings(ETAPPE_EXCHANGE={**settings.ETAPPE_EXCHANGE, "DEADLINE": 1.0})
    def test_a_peer_that_drips_its_answer_is_cut_off_by_the_deadline(self) -> None:
        self.responder.json(self.town.page([]))
        self.responder.drip = 0.25  # one byte every quarter second: each read is quick, the whole is not
        started = time.monotonic()
        outcomes = {o.peer_id: o for o in sync_peers([self.peer, self.good])}
        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual(outcomes[self.peer.pk].error, UNREACHABLE)
        self.assertTrue(outcomes[self.good.pk].ok)


class PagingTests(PeerTestCase):
    """Findings 3 and 4: next links keep their query; a refused page keeps cursor and ETag."""

    def test_next_links_keep_their_query_string(self) -> None:
        items = [self.town.item("project", n, project_data(f"Projekt {n}")) for n in (1, 2, 3)]
        self.responder.json(self.town.page(items[:1], next_url=f"{FEED}?p2=1", cursor="c1"))
        self.responder.route(f"{FEED}?p2=1", self.town.page(items[1:2], next_url="?p3=1&since=x%2By", cursor="c2"))
        self.responder.route(f"{FEED}?p3=1&since=x%2By", self.town.page(items[2:], cursor="c3"))
        outcome = self.sync()
        self.assertTrue(outcome.ok, outcome.error)
        self.assertEqual((outcome.stored, outcome.pages), (3, 3))
        self.assertEqual(
            [r["path"] for r in self.responder.requests],
            [f"{FEED}?limit=100", f"{FEED}?p2=1", f"{FEED}?p3=1&since=x%2By"],
        )
        self.assertEqual(self.peer.cursor, "c3")

    def test_a_next_link_to_the_same_page_or_another_scheme_is_refused(self) -> None:
        self.responder.json(self.town.page([], next_url=f"{FEED}?limit=100"))
        self.assertIn("same page", self.sync().error)
        self.responder.json(self.town.page([], next_url=self.url.replace("http:", "https:") + FEED))
        self.assertIn("another host", self.sync().error)
        for broken in (
            "http://[::1",
            "//evil.example/feed",
            f"http://user@127.0.0.1:{self.server.server_address[1]}{FEED}",
        ):
            self.responder.json(self.town.page([], next_url=broken))
            self.assertRegex(self.sync().error, "another host|not a valid address")
        self.assertLessEqual(len(self.responder.requests), 5)

    def test_an_item_damaged_on_the_way_arrives_once_the_path_is_clean(self) -> None:
        self.responder.honour_etag = True
        genuine = [self.town.item("project", n, project_data(f"Projekt {n}")) for n in (1, 2, 3)]
        damaged = json.loads(json.dumps(genuine))
        damaged[1]["data"]["title"] = "Projekt 2!"  # one byte changed on the way
        self.responder.json(self.town.page(damaged, cursor="c3"), ETag='"v1"')
        outcome = self.sync()
        self.assertFalse(outcome.ok)
        self.assertIn("signature of item 2", self.peer.last_error)
        self.assertEqual((self.peer.cursor, self.peer.etag), ("", ""))  # nothing moved past the damaged item
        self.assertFalse(ReceivedItem.objects.exists())

        self.responder.json(self.town.page(genuine, cursor="c3"), ETag='"v1"')  # the path is clean again
        outcome = self.sync()
        self.assertTrue(outcome.ok, outcome.error)
        self.assertEqual(
            sorted(ReceivedItem.objects.values_list("title", flat=True)), ["Projekt 1", "Projekt 2", "Projekt 3"]
        )
        self.assertEqual((self.peer.cursor, self.peer.etag, self.peer.failures), ("c3", '"v1"', 0))
        self.assertEqual(self.peer.last_error, "")  # a success clears the last error
        self.assertTrue(self.sync().not_modified)

    def test_a_refused_second_page_keeps_the_first_and_resumes_after_it(self) -> None:
        one, two = (self.town.item("project", n, project_data(f"Projekt {n}")) for n in (1, 2))
        bad = json.loads(json.dumps(two))
        bad["signature"] = one["signature"]
        self.responder.json(self.town.page([one], next_url=f"{FEED}?since=c1&limit=100", cursor="c1"), ETag='"v2"')
        self.responder.route(f"{FEED}?since=c1&limit=100", self.town.page([bad], cursor="c2"))
        self.assertFalse(self.sync().ok)
        self.assertEqual((self.peer.cursor, self.peer.etag), ("c1", ""))
        self.assertEqual(ReceivedItem.objects.count(), 1)
        self.responder.route(f"{FEED}?since=c1&limit=100", self.town.page([two], cursor="c2"))
        outcome = self.sync()
        self.assertTrue(outcome.ok, outcome.error)
        self.assertEqual(self.responder.requests[-1]["path"], f"{FEED}?since=c1&limit=100")
        self.assertEqual((ReceivedItem.objects.count(), self.peer.cursor, self.peer.last_error), (2, "c2", ""))


class AddressTests(PeerTestCase):
    """Finding 5: public addresses only, checked after resolution at every request; no answer quoted."""

    @override_settings(ETAPPE_EXCHANGE=NO_PRIVATE)
    def test_non_public_addresses_are_refused_when_added(self) -> None:
        for url in (
            self.url,
            "http://localhost:8000",
            "https://10.1.2.3",
            "https://192.168.0.10:8443",
            "https://169.254.169.254/latest",
            "https://100.64.0.1",
            "https://[::1]",
            "https://[::ffff:127.0.0.1]",
            "https://[fe80::1]",
            "https://0.0.0.0",
            "https://224.0.0.1",
        ):
            with self.subTest(url), self.assertRaises(ExchangeError) as refused:
                peer_add(url=url, by=None)
            self.assertIn("public internet addresses", str(refused.exception))
        self.assertEqual(
            peer_add(url="https://etappe.nachbarstadt.example", by=None).url, "https://etappe.nachbarstadt.example"
        )

    @override_settings(ETAPPE_EXCHANGE=NO_PRIVATE)
    def test_addresses_the_sync_could_not_request_are_refused_when_added(self) -> None:
        for url in (
            "https://0177.0.0.1:9008",
            "https://00.0.0.0",
            "https://1.2.3.04",
            "https://exa mple.de",
            "https://a..b.de",
        ):
            with self.subTest(url), self.assertRaises(ExchangeError) as refused:
                peer_add(url=url, by=None)
            self.assertIn("address of an installation", str(refused.exception))

    def test_a_stored_address_that_cannot_be_requested_is_a_recorded_failure_with_back_off(self) -> None:
        peer = Peer.objects.create(url="https://0177.0.0.1:9008")  # stored before addresses were checked so
        outcome = self.sync(peer)
        self.assertFalse(outcome.ok)
        self.assertEqual(outcome.error, "the installation's address is not valid")
        self.assertEqual((peer.failures, peer.last_error), (1, outcome.error))
        self.assertIsNotNone(peer.next_attempt_at)

    @override_settings(ETAPPE_EXCHANGE=NO_PRIVATE)
    def test_a_loopback_peer_is_never_contacted(self) -> None:
        self.responder.json(self.town.page([self.town.item("project", 1, project_data())]))
        outcome = self.sync()
        self.assertEqual(outcome.error, UNREACHABLE)
        self.assertEqual(self.responder.requests, [])
        self.assertEqual(self.peer.failures, 1)

    def play_dns(self, *answers: list[str]):
        """Resolve every name to the next answer (the last one repeats), recording the names asked."""
        asked: list[str] = []

        async def lookup(host: str, port: int) -> list[str]:
            asked.append(host)
            return answers[min(len(asked) - 1, len(answers) - 1)]

        self.enterContext(mock.patch("exchange.fetching.lookup", lookup))
        return asked

    def test_a_name_rebound_to_a_private_address_is_refused(self) -> None:
        port = self.server.server_address[1]
        peer = Peer.objects.create(url=f"http://peer.example:{port}")
        self.responder.json(self.town.page([]))
        with override_settings(ETAPPE_EXCHANGE={**NO_PRIVATE, "INSECURE_HOSTS": ["peer.example"]}):
            for answer in (["127.0.0.1"], ["93.184.215.14", "127.0.0.1"], ["::ffff:7f00:1"], ["10.0.0.7"]):
                with self.subTest(answer):
                    self.play_dns(answer)
                    self.assertEqual(self.sync(peer).error, UNREACHABLE)
        self.assertEqual(self.responder.requests, [])

    def test_the_checked_address_is_the_one_connected_to_with_the_host_name_kept(self) -> None:
        port = self.server.server_address[1]
        peer = Peer.objects.create(url=f"http://peer.example:{port}")
        asked = self.play_dns(["127.0.0.1"])
        self.responder.json(self.town.page([self.town.item("project", 1, project_data())], next_url=f"{FEED}?p2=1"))
        self.responder.route(f"{FEED}?p2=1", self.town.page([]))
        with override_settings(ETAPPE_EXCHANGE={**settings.ETAPPE_EXCHANGE, "INSECURE_HOSTS": ["peer.example"]}):
            outcome = self.sync(peer)
        self.assertTrue(outcome.ok, outcome.error)
        self.assertEqual(asked, ["peer.example", "peer.example"])  # resolved and checked again for every request
        self.assertEqual({r["Host"] for r in self.responder.requests}, {f"peer.example:{port}"})

    def test_over_https_the_checked_address_is_used_with_the_name_for_sni_and_the_certificate(self) -> None:
        server_tls, client_tls = tls_contexts("peer.example")
        responder = Responder()
        server, _url = serve(responder, tls=server_tls)
        self.addCleanup(server.shutdown)
        port = server.server_address[1]
        responder.json(self.town.page([self.town.item("project", 1, project_data())]))
        self.play_dns(["127.0.0.1"])
        self.enterContext(mock.patch("exchange.fetching._ssl_context", lambda: client_tls))
        peer = Peer.objects.create(url=f"https://peer.example:{port}")
        outcome = self.sync(peer)
        self.assertTrue(outcome.ok, outcome.error)
        self.assertEqual(responder.requests[0]["Host"], f"peer.example:{port}")
        # A name the certificate does not cover fails, though it resolves to the same address.
        other = Peer.objects.create(url=f"https://other.example:{port}")
        self.assertEqual(self.sync(other).error, UNREACHABLE)
        self.assertEqual(len(responder.requests), 1)

    def test_errors_never_quote_the_answer(self) -> None:
        secret = "SECRET-7f3a"
        cases = [
            (500, {"detail": secret}),
            (200, [secret]),
            (200, {"format": secret, "version": 1}),
            (200, {**self.town.page([]), "publisher": {"ars": secret, "name": secret, "public_key": secret}}),
            (200, {**self.town.page([]), "items": [{"uid": secret, secret: secret}]}),
            (302, {"location": secret}),
        ]
        self.login(self.team)
        for status, body in cases:
            with self.subTest(status=status, body=body):
                self.responder.json(body, status=status, Location=f"http://{secret}/")
                response = self.client.post(
                    reverse("exchange:peer_sync", args=[self.peer.pk]), follow=True, headers={"accept-language": "en"}
                )
                self.peer.refresh_from_db()
                self.assertTrue(self.peer.last_error)
                self.assertNotIn(secret, self.peer.last_error)
                self.assertNotContains(response, secret)

    def test_every_connection_failure_reads_the_same(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            closed_port = sock.getsockname()[1]
        refused = Peer.objects.create(url=f"http://127.0.0.1:{closed_port}")
        unknown = Peer.objects.create(url="https://name-that-does-not-exist.invalid")
        slow = self.peer
        self.responder.json(self.town.page([]))
        self.responder.delay = 2
        with override_settings(ETAPPE_EXCHANGE={**settings.ETAPPE_EXCHANGE, "TIMEOUT": 0.5}):
            outcomes = sync_peers([refused, unknown, slow])
        self.assertEqual([o.error for o in outcomes], [UNREACHABLE] * 3)


class ParserTests(SimpleTestCase):
    def test_nesting_is_counted_outside_strings(self) -> None:
        self.assertEqual(nesting_depth(b'{"a": [1, {"b": "[[[{{{"}]}'), 3)
        self.assertEqual(nesting_depth(b'["\\"[[[", "\\\\", [[]]]'), 3)
        self.assertEqual(nesting_depth(b"[" * 200_000), 200_000)

    def test_strict_json(self) -> None:
        for body in (
            b"NaN",
            b"[Infinity]",
            b"[-Infinity]",
            b"[1e400]",
            b"[123456789012345678901]",
            b"[" * 40 + b"]" * 40,
        ):
            with self.subTest(body=body[:20]), self.assertRaises(FeedRefused):
                parse_json(body, max_bytes=1000)
        with self.assertRaises(FeedRefused):
            parse_json(b"[" + b"1," * 600 + b"1]", max_bytes=1000)  # larger than the cap
        with self.assertRaises(FeedRefused):
            parse_json('{"a": "\\"}'.encode("utf-16"), max_bytes=1000)  # UTF-16 is not read
        self.assertEqual(
            parse_json(b'{"a": [1.5, -2, "\\ud83d\\ude00"]}', max_bytes=1000), {"a": [1.5, -2, "\U0001f600"]}
        )

    def test_a_deep_body_is_refused_quickly(self) -> None:
        started = time.monotonic()
        with self.assertRaises(FeedRefused):
            parse_json(b"[" * 2_500_000 + b"]" * 2_500_000, max_bytes=5 * 1024 * 1024)
        self.assertLess(time.monotonic() - started, 2)

    @override_settings(ETAPPE_EXCHANGE={**settings.ETAPPE_EXCHANGE, "ALLOWED_NETWORKS": ["10.20.0.0/16"]})
    def test_the_operator_allows_networks_of_its_own(self) -> None:
        self.assertTrue(address_allowed("10.20.1.2"))
        self.assertFalse(address_allowed("10.21.1.2"))
        self.assertFalse(address_allowed("127.0.0.1"))
        self.assertTrue(address_allowed("93.184.215.14"))
        self.assertFalse(address_allowed("2002:7f00:1::"))  # 6to4 around 127.0.0.1
        self.assertFalse(address_allowed("64:ff9b::a9fe:a9fe"))  # NAT64 around 169.254.169.254

    def test_a_wrong_allowed_network_is_found_at_start_up(self) -> None:
        self.assertEqual(check_allowed_networks(), [])
        with override_settings(ETAPPE_EXCHANGE={**settings.ETAPPE_EXCHANGE, "ALLOWED_NETWORKS": ["10.0.0.0/33"]}):
            self.assertEqual([error.id for error in check_allowed_networks()], ["exchange.E001"])

    def test_production_allows_no_private_network_unless_the_operator_lists_one(self) -> None:
        code = "import config.settings as s; print(s.ETAPPE_EXCHANGE['ALLOWED_NETWORKS'])"
        env = {k: v for k, v in os.environ.items() if k != "ETAPPE_EXCHANGE_ALLOWED_NETWORKS"}
        env.update(ETAPPE_ENV="production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="etappe.example")
        for extra, expected in (({}, "[]"), ({"ETAPPE_EXCHANGE_ALLOWED_NETWORKS": "10.20.0.0/16"}, "['10.20.0.0/16']")):
            result = subprocess.run(  # noqa: S603 - our own settings module
                [sys.executable, "-c", code],
                env={**env, **extra},
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
            self.assertEqual(result.stdout.strip(), expected)
