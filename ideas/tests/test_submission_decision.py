"""What a new idea waits for is decided once (ideas.permissions.submission_moderation), in the
service; the submission page's answer follows what the service returned, not the sender's role."""

import secrets
from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from ideas.models import Idea, Moderation
from ideas.permissions import submission_moderation
from installation.testing import BaseTestCase

VALID = {"title": "Anwohnerparken online beantragen", "description": "Den Parkausweis ohne Termin beantragen."}
PUBLISHED = "Thank you! Your idea is published."
PENDING = "Thank you! Your idea will be published after a short check."


class SubmissionDecisionTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def submit(self, user, decided: str):
        self.login(user)
        with mock.patch("ideas.services.submission_moderation", return_value=decided):
            data = {**VALID, "submission": secrets.token_urlsafe(24), "field_of_action": self.field.pk}
            return self.client.post(reverse("ideas:create"), data, follow=True)

    def test_it_decides_by_who_sends(self) -> None:
        self.assertEqual(submission_moderation(None), Moderation.UNCONFIRMED)
        for name, user in self.personas().items():
            expected = {"anonymous": Moderation.UNCONFIRMED, "citizen": Moderation.PENDING}.get(
                name, Moderation.PUBLISHED
            )
            with self.subTest(name):
                self.assertEqual(submission_moderation(user or AnonymousUser()), expected)

    def test_the_message_follows_the_services_decision_to_publish(self) -> None:
        response = self.submit(self.citizen, Moderation.PUBLISHED)
        self.assertEqual(Idea.objects.get().moderation, Moderation.PUBLISHED)
        self.assertContains(response, PUBLISHED)
        self.assertNotContains(response, PENDING)

    def test_the_message_follows_the_services_decision_to_wait(self) -> None:
        response = self.submit(self.staff, Moderation.PENDING)
        self.assertEqual(Idea.objects.get().moderation, Moderation.PENDING)
        self.assertContains(response, PENDING)
        self.assertNotContains(response, PUBLISHED)
