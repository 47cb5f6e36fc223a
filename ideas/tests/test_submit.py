import secrets

from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from ideas.models import Follow, Idea, Moderation, StatusChange
from installation.testing import BaseTestCase


def token() -> dict:
    """The hidden submission token a rendered form carries, new for each form."""
    return {"submission": secrets.token_urlsafe(24)}


VALID = {
    "title": "Anwohnerparken online beantragen",
    "description": "Den Parkausweis ohne Termin im Bürgerbüro beantragen.",
    "benefits_citizens": "on",
}


class SubmitTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_staff_ideas_are_published_at_once_with_a_history(self) -> None:
        self.login(self.staff)
        response = self.client.post(
            reverse("ideas:create"), {**VALID, **token(), "field_of_action": self.field.pk, "source": "department"}
        )
        idea = Idea.objects.get()
        self.assertRedirects(response, idea.get_absolute_url())
        self.assertEqual(idea.moderation, Moderation.PUBLISHED)
        self.assertEqual(idea.source, Idea.Source.DEPARTMENT)
        self.assertEqual(idea.author, self.staff)
        self.assertTrue(idea.benefits_citizens)
        self.assertEqual(StatusChange.objects.get(idea=idea).to_status, Idea.Status.SUBMITTED)
        self.assertTrue(Follow.objects.filter(idea=idea, user=self.staff).exists())
        self.assertIn("parkausweis", idea.search_stems)

    def test_citizen_ideas_wait_for_moderation_and_only_the_author_sees_them(self) -> None:
        self.login(self.citizen)
        self.client.post(reverse("ideas:create"), {**VALID, **token()})
        idea = Idea.objects.get()
        self.assertEqual(idea.moderation, Moderation.PENDING)
        self.assertEqual(idea.source, Idea.Source.CITIZEN)
        self.assertEqual(self.client.get(idea.get_absolute_url()).status_code, 200)
        self.login(None)
        self.assertEqual(self.client.get(idea.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get(reverse("ideas:list")), VALID["title"])
        self.login(self.team)
        self.assertContains(self.client.get(reverse("ideas:moderation")), VALID["title"])

    def test_anonymous_ideas_need_a_confirmed_address_before_moderation(self) -> None:
        response = self.client.post(
            reverse("ideas:create"),
            {**VALID, **token(), "author_name": "Jana", "author_email": "jana@example.org", "consent": "on"},
        )
        self.assertEqual(response.status_code, 200)
        idea = Idea.objects.get()
        self.assertEqual(idea.moderation, Moderation.UNCONFIRMED)
        self.assertIsNotNone(idea.consent_at)
        self.login(self.team)
        self.assertNotContains(self.client.get(reverse("ideas:moderation")), VALID["title"])
        self.login(None)
        link = next(line for line in mail.outbox[0].body.splitlines() if "/ideas/confirm/" in line)
        path = link[link.index("/ideas/confirm/") :].strip()
        # Opening the link (as a mail scanner or a link preview does) asks and changes nothing.
        self.assertContains(self.client.get(path), "Idee bestätigen")
        idea.refresh_from_db()
        self.assertEqual(idea.moderation, Moderation.UNCONFIRMED)
        self.assertContains(self.client.post(path), "bestätigt")
        idea.refresh_from_db()
        self.assertEqual(idea.moderation, Moderation.PENDING)
        self.assertEqual(idea.author_display, "Jana")

    def test_anonymous_submitters_must_consent_and_give_an_address(self) -> None:
        response = self.client.post(reverse("ideas:create"), {**VALID, **token()})
        self.assertContains(response, "Dieses Feld ist zwingend erforderlich.")
        self.assertFalse(Idea.objects.exists())

    def test_the_honeypot_refuses_bots_and_writes_nothing(self) -> None:
        response = self.client.post(
            reverse("ideas:create"),
            {
                **VALID,
                **token(),
                "author_email": "bot@example.org",
                "consent": "on",
                "homepage_url": "http://spam.example",
            },
        )
        self.assertContains(response, "Ihre Eingabe wirkt automatisiert und wurde nicht angenommen.")
        self.assertFalse(Idea.objects.exists())

    def test_anonymous_submissions_are_rate_limited_per_address(self) -> None:
        for i in range(5):
            self.client.post(
                reverse("ideas:create"),
                {**VALID, **token(), "title": f"Idee {i}", "author_email": "a@example.org", "consent": "on"},
            )
        response = self.client.post(
            reverse("ideas:create"), {**VALID, **token(), "author_email": "a@example.org", "consent": "on"}
        )
        self.assertEqual(response.status_code, 429)
        self.assertEqual(Idea.objects.count(), 5)

    def test_oversized_texts_are_refused(self) -> None:
        self.login(self.staff)
        response = self.client.post(
            reverse("ideas:create"), {**VALID, **token(), "title": "x" * 201, "description": "y" * 5001}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "höchstens 200 Zeichen")
        self.assertFalse(Idea.objects.exists())

    def test_html_in_ideas_is_shown_as_text(self) -> None:
        self.login(self.staff)
        self.client.post(
            reverse("ideas:create"),
            {**VALID, **token(), "title": "<script>alert(1)</script>", "description": "<b>fett</b>"},
        )
        response = self.client.get(Idea.objects.get().get_absolute_url())
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;b&gt;fett&lt;/b&gt;")

    def test_a_tampered_confirmation_link_is_refused(self) -> None:
        self.assertEqual(self.client.get(reverse("ideas:confirm", args=["kaputt"])).status_code, 400)
        self.assertEqual(self.client.post(reverse("ideas:confirm", args=["kaputt"])).status_code, 400)
