"""Absolute links are built from the installation's configured address (core.links), never from a
request: the same link whichever host a request used, and services, mails and tasks need none."""

from django.core import mail
from django.test import override_settings
from django.urls import reverse

from core.links import absolute_url
from ideas.models import Idea
from ideas.services import idea_submit
from installation.testing import BaseTestCase, make_idea

BASE = "https://etappe.lindenfeld.example"


@override_settings(ETAPPE_BASE_URL=BASE)
class AbsoluteUrlTests(BaseTestCase):
    def test_it_takes_a_path_an_object_or_a_url_name_with_its_arguments(self) -> None:
        idea = make_idea()
        self.assertEqual(absolute_url("/learning/"), f"{BASE}/learning/")
        self.assertEqual(absolute_url(idea), f"{BASE}/ideas/{idea.pk}/")
        self.assertEqual(absolute_url("ideas:confirm", "abc"), f"{BASE}/ideas/confirm/abc/")
        self.assertEqual(absolute_url("accounts:login"), BASE + reverse("accounts:login"))

    def test_the_confirmation_mail_of_an_idea_links_without_a_request(self) -> None:
        idea_submit(idea=Idea(title="Bänke", description="Mehr Bänke.", author_email="jana@example.org"), author=None)
        [message] = mail.outbox
        self.assertRegex(message.body, rf"\n{BASE}/ideas/confirm/[^/\s]+/\n")

    def test_the_registration_mail_links_to_the_configured_address_not_the_requests_host(self) -> None:
        self.client.post(reverse("accounts:register"), {"email": "neu@example.org"}, headers={"host": "localhost"})
        [message] = mail.outbox
        self.assertIn(f"{BASE}/accounts/confirm/", message.body)
        self.assertNotIn("localhost", message.body)


class TestSettingsTests(BaseTestCase):
    def test_in_tests_the_address_is_the_test_clients_so_links_read_as_before(self) -> None:
        self.assertEqual(absolute_url("/ideas/"), "http://testserver/ideas/")
