"""Reading feeds: good pages are stored, bad ones refused with a reason recorded on the peer."""

from django.conf import settings
from django.test import override_settings
from django.utils import timezone, translation

from exchange.models import Peer, ReceivedItem
from exchange.samples import FakeInstallation, lesson_data, project_data
from exchange.sync import sync_peers
from exchange.testing import Responder, serve
from installation.testing import BaseTestCase


class SyncTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))
        self.responder = Responder()
        self.server, self.url = serve(self.responder)
        self.addCleanup(self.server.shutdown)
        self.peer = Peer.objects.create(url=self.url)
        self.town = FakeInstallation()

    def sync(self):
        outcome = sync_peers([self.peer])[0]
        self.peer.refresh_from_db()
        return outcome

    def test_a_good_page_is_stored_with_its_municipality_and_outcome(self) -> None:
        page = self.town.page(
            [self.town.item("project", 1, project_data()), self.town.item("lesson", 2, lesson_data())]
        )
        self.responder.json(page, ETag='"v1"')
        outcome = self.sync()
        self.assertTrue(outcome.ok, outcome.error)
        self.assertEqual(outcome.stored, 2)
        lesson = ReceivedItem.objects.get(kind="lesson")
        self.assertEqual(
            (lesson.municipality, lesson.outcome, lesson.state), ("Musterstadt", "failed", "Nordrhein-Westfalen")
        )
        self.assertEqual(self.peer.public_key, self.town.public_key)
        self.assertEqual((self.peer.etag, self.peer.cursor, self.peer.items_received), ('"v1"', "c1", 2))
        self.assertIsNotNone(self.peer.last_success_at)

    def test_the_next_sync_is_conditional_and_a_304_changes_nothing(self) -> None:
        self.responder.json(self.town.page([self.town.item("project", 1, project_data())]), ETag='"v1"')
        self.sync()
        self.responder.status = 304
        outcome = self.sync()
        self.assertTrue(outcome.not_modified)
        self.assertEqual(self.responder.requests[-1]["If-None-Match"], '"v1"')
        self.assertIn("since=c1", self.responder.requests[-1]["path"])
        self.assertEqual(ReceivedItem.objects.count(), 1)

    def test_a_withdrawn_item_disappears(self) -> None:
        self.responder.json(self.town.page([self.town.item("lesson", 2, lesson_data())]))
        self.sync()
        self.responder.json(
            self.town.page([self.town.item("lesson", 2, None, withdrawn=True, changed_at="2026-06-01T10:00:00+00:00")])
        )
        outcome = self.sync()
        self.assertEqual(outcome.withdrawn, 1)
        self.assertFalse(ReceivedItem.objects.current().exists())

    def test_a_page_with_a_forged_item_is_refused_whole_and_reported(self) -> None:
        forger = FakeInstallation()
        page = self.town.page(
            [self.town.item("project", 1, project_data()), self.town.item("lesson", 2, lesson_data(), signer=forger)]
        )
        self.responder.json(page)
        outcome = self.sync()
        self.assertFalse(outcome.ok)
        self.assertEqual(outcome.stored, 0)
        self.assertIn("signature of item 2", self.peer.last_error)
        self.assertFalse(ReceivedItem.objects.exists())
        self.assertEqual((self.peer.cursor, self.peer.failures), ("", 1))

    def test_another_key_than_the_pinned_one_is_refused(self) -> None:
        self.peer.public_key = FakeInstallation().public_key
        self.peer.save()
        self.responder.json(self.town.page([self.town.item("project", 1, project_data())]))
        outcome = self.sync()
        self.assertFalse(outcome.ok)
        self.assertIn("another key", self.peer.last_error)
        self.assertFalse(ReceivedItem.objects.exists())

    def test_malformed_unknown_version_and_wrong_shape_are_refused_with_the_reason(self) -> None:
        cases = [
            (b"{not json", "not valid JSON"),
            (None, "version"),
            (None, "items/0"),
        ]
        for body, reason in cases:
            with self.subTest(reason=reason):
                if body is not None:
                    self.responder.body = body
                elif reason == "version":
                    self.responder.json({**self.town.page([]), "version": 2})
                else:
                    broken = self.town.item("project", 1, project_data())
                    broken["data"]["status"] = "<script>"
                    self.responder.json(self.town.page([broken]))
                outcome = self.sync()
                self.assertFalse(outcome.ok)
                self.assertIn(reason, self.peer.last_error)
        self.assertFalse(ReceivedItem.objects.exists())

    def test_failures_back_off_longer_each_time_and_a_success_resets_them(self) -> None:
        self.responder.json({"message": "down"}, status=500)
        self.sync()
        first = self.peer.next_attempt_at
        self.assertEqual(self.peer.failures, 1)
        self.assertFalse(Peer.objects.due().filter(pk=self.peer.pk).exists())
        self.sync()
        self.assertEqual(self.peer.failures, 2)
        self.assertGreater(self.peer.next_attempt_at - timezone.now(), first - timezone.now())
        self.responder.json(self.town.page([]))
        self.sync()
        self.assertEqual((self.peer.failures, self.peer.next_attempt_at), (0, None))

    @override_settings(ETAPPE_EXCHANGE={**settings.ETAPPE_EXCHANGE, "TIMEOUT": 0.3, "MAX_BYTES": 2000})
    def test_slow_and_oversized_answers_are_cut_off(self) -> None:
        self.responder.json(self.town.page([self.town.item("project", i, project_data()) for i in range(20)]))
        outcome = self.sync()
        self.assertIn("larger than 2000 bytes", outcome.error)
        self.responder.json(self.town.page([]))
        self.responder.delay = 1.0
        outcome = self.sync()
        self.assertIn("did not answer in time", outcome.error)

    def test_markup_is_removed_from_received_text(self) -> None:
        data = project_data(
            title="<b>Digitale</b> Akte<script>alert(1)</script>",
            summary="Text\x07 mit <img src=x onerror=alert(1)>Bild",
        )
        self.responder.json(self.town.page([self.town.item("project", 1, data)]))
        self.sync()
        item = ReceivedItem.objects.get()
        self.assertEqual(item.title, "Digitale Aktealert(1)")
        self.assertEqual(item.summary, "Text mit Bild")
        self.assertNotIn("<", str(item.document))

    def test_a_next_link_to_another_host_is_refused(self) -> None:
        self.responder.json(
            self.town.page([self.town.item("project", 1, project_data())], next_url="http://evil.example/feed")
        )
        outcome = self.sync()
        self.assertIn("another host", outcome.error)
