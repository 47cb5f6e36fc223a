"""The public reason for a project's status travels through the exchange, signed, and is shown where it arrives."""

from django.utils import translation

from exchange.fetching import FeedRefused
from exchange.models import Peer, ReceivedItem
from exchange.publishing import publications_refresh
from exchange.received import accept_page, validator
from exchange.samples import FakeInstallation, project_data
from exchange.signing import verify
from installation.testing import BaseTestCase
from projects.models import Project

REASON = "Der Anbieter hat den Vertrag gekündigt; der Lenkungskreis hat den Abbruch beschlossen."


class PublishingTests(BaseTestCase):
    def test_a_stopped_project_carries_its_reason_in_the_signed_feed(self) -> None:
        Project.objects.create(title="Chatbot", status=Project.Status.STOPPED, status_reason=REASON)
        Project.objects.create(title="Läuft")
        publications_refresh()
        body = self.client.get("/api/v1/exchange/feed").json()
        self.assertEqual(list(validator().iter_errors(body)), [])
        reasons = {item["data"]["title"]: item["data"]["status_reason"] for item in body["items"]}
        self.assertEqual(reasons, {"Chatbot": REASON, "Läuft": ""})
        key = body["publisher"]["public_key"]
        for item in body["items"]:
            payload = {k: item[k] for k in ("uid", "type", "changed_at", "withdrawn", "data")}
            self.assertTrue(verify(payload, item["signature"], key))


class ReceivingTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        self.peer = Peer.objects.create(url="https://etappe.musterstadt.de")
        self.town = FakeInstallation()

    def accept(self, **data):
        return accept_page(self.peer, self.town.page([self.town.item("project", 1, project_data(**data))]))

    def test_the_reason_is_stored_and_shown_on_the_items_page(self) -> None:
        self.accept(status="stopped", status_reason=f"{REASON}<script>alert(1)</script>")
        item = ReceivedItem.objects.get()
        self.assertEqual(item.document["status_reason"], REASON + "alert(1)")
        page = self.client.get(item.get_absolute_url())
        self.assertContains(page, "Why this project was stopped")
        self.assertContains(page, REASON)
        self.assertNotContains(page, "<script>alert")

    def test_a_page_from_an_older_installation_without_the_field_is_accepted(self) -> None:
        self.assertEqual(self.accept(status="stopped").stored, 1)
        page = self.client.get(ReceivedItem.objects.get().get_absolute_url())
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "Why this project was stopped")

    def test_a_reason_longer_than_2000_characters_is_refused_and_nothing_is_stored(self) -> None:
        with self.assertRaises(FeedRefused) as refused:
            self.accept(status="stopped", status_reason="x" * 2001)
        self.assertIn("status_reason", str(refused.exception))
        with self.assertRaises(FeedRefused):
            self.accept(status="stopped", status_reason=7)
        self.assertFalse(ReceivedItem.objects.exists())
