"""Hardening of core pages: histories keep personal data, health check details, feeds and mail headers."""

from unittest import mock
from xml.etree import ElementTree

from django.db import OperationalError
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from core.feeds import TextAtom1Feed
from core.mail import header_text
from ideas.models import Moderation
from installation.testing import BaseTestCase, make_idea
from projects.models import LogEntry, Milestone, Project

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & <b>fett</b>'


class HistoryPersonalDataTests(BaseTestCase):
    """A history shows no more about the people behind an object than the object's own page."""

    def anonymous_idea_published_later(self):
        idea = make_idea(
            title="Bänke am Markt",
            moderation=Moderation.UNCONFIRMED,
            author_name="Anna Anonym",
            author_email="anna.anonym@example.net",
            consent_at=timezone.now(),
        )
        for moderation in (Moderation.PENDING, Moderation.PUBLISHED):
            idea.moderation = moderation
            idea.save()
        return idea

    def test_the_e_mail_of_an_anonymous_submitter_is_in_no_history(self) -> None:
        idea = self.anonymous_idea_published_later()
        for user in (self.staff, self.council, self.team, self.admin):
            self.login(user)
            response = self.client.get(reverse("core:history", args=["idea", idea.pk]))
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, "anna.anonym@example.net")
        self.login(self.team)
        trail = self.client.get(reverse("core:audit_log"))
        self.assertNotContains(trail, "anna.anonym@example.net")
        self.assertNotContains(trail, "Anna Anonym")  # the trail lists ideas nobody may open yet

    def test_an_unconfirmed_anonymous_idea_has_no_history_for_anyone(self) -> None:
        idea = make_idea(moderation=Moderation.UNCONFIRMED, author_name="Anna", author_email="anna@example.net")
        for user in (self.staff, self.lead, self.council, self.team, self.admin):
            self.login(user)
            self.assertEqual(self.client.get(reverse("core:history", args=["idea", idea.pk])).status_code, 404)

    def test_the_reason_for_hiding_stays_with_the_moderators(self) -> None:
        idea = make_idea(author=self.citizen)
        idea.moderation, idea.hidden_reason = Moderation.HIDDEN, "Nennt die Nachbarin beim Namen"
        idea.save()
        idea.moderation = Moderation.PUBLISHED
        idea.save()
        url = reverse("core:history", args=["idea", idea.pk])
        self.login(self.staff)
        self.assertNotContains(self.client.get(url), "Nachbarin")
        self.login(self.team)
        self.assertContains(self.client.get(url), "Nachbarin")

    def test_a_history_answers_404_where_the_object_does_before_it_answers_403(self) -> None:
        hidden = make_idea(moderation=Moderation.HIDDEN, author=self.staff)
        self.login(self.citizen)
        self.assertEqual(self.client.get(hidden.get_absolute_url()).status_code, 404)
        self.assertEqual(self.client.get(reverse("core:history", args=["idea", hidden.pk])).status_code, 404)
        published = make_idea()
        self.assertEqual(self.client.get(reverse("core:history", args=["idea", published.pk])).status_code, 403)


class HealthCheckTests(BaseTestCase):
    def test_a_database_failure_is_logged_and_the_answer_names_no_host(self) -> None:
        message = 'connection to server at "db.intern" (10.20.30.40), port 5432 failed: password authentication'
        with (
            mock.patch("core.views.connection.cursor", side_effect=OperationalError(message)),
            self.assertLogs("core.views", level="ERROR") as logs,
        ):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json(), {"status": "error", "database": "unavailable"})
        for secret in ("10.20.30.40", "db.intern", "5432", "password"):
            self.assertNotIn(secret, response.content.decode())
        self.assertIn("10.20.30.40", "\n".join(logs.output))


def feed_views(resolver: URLResolver | None = None, prefix: str = "") -> dict[str, object]:
    """Every syndication feed in the URL configuration: path → feed view."""
    from django.contrib.syndication.views import Feed

    found = {}
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            found |= feed_views(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and isinstance(pattern.callback, Feed):
            found[prefix + str(pattern.pattern)] = pattern.callback
    return found


class FeedTests(BaseTestCase):
    def test_every_feed_carries_text_as_text(self) -> None:
        feeds = feed_views()
        self.assertGreaterEqual(len(feeds), 3)
        for path, view in feeds.items():
            self.assertTrue(issubclass(view.feed_type, TextAtom1Feed), path)

    def entries(self, url: str) -> list[ElementTree.Element]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return ElementTree.fromstring(response.content).findall(f"{ATOM}entry")  # noqa: S314 - our own feed

    def test_hostile_project_text_reaches_feed_readers_as_text(self) -> None:
        project = Project.objects.create(title=f"Projekt {HOSTILE}", visibility=Project.Visibility.PUBLIC)
        LogEntry.objects.create(project=project, happened=f"Bericht {HOSTILE}\x0b")
        Milestone.objects.create(
            project=project,
            title=HOSTILE,
            definition_of_done=f"Fertig {HOSTILE}",
            due_on="2025-01-01",
            done_on="2025-01-02",
        )
        for url, summary in (
            (reverse("reports:feed_updates"), f"Bericht {HOSTILE}"),
            (reverse("reports:feed_milestones"), f"Fertig {HOSTILE}"),
        ):
            [entry] = self.entries(url)
            element = entry.find(f"{ATOM}summary")
            self.assertEqual(element.get("type"), "text", url)
            self.assertEqual(element.text, summary, url)  # a reader shows exactly the text, tags and all
            self.assertIn(HOSTILE, entry.find(f"{ATOM}title").text)
            self.assertRegex(entry.find(f"{ATOM}id").text, r"^https?://", url)  # Atom ids are absolute
            self.assertIn(entry.find(f"{ATOM}title").get("type", "text"), ("text",))

    def test_the_plain_atom_feed_of_django_would_hand_readers_html(self) -> None:
        """Why `TextAtom1Feed` exists: Django's own Atom feed marks summaries as HTML."""
        for feed_type, expected in ((Atom1Feed, "html"), (TextAtom1Feed, "text")):
            feed = feed_type(title="t", link="/", description="d")
            feed.add_item(title="x", link="/x", description=HOSTILE)
            document = ElementTree.fromstring(feed.writeString("utf-8"))  # noqa: S314 - written just above
            summary = document.find(f"{ATOM}entry/{ATOM}summary")
            self.assertEqual((summary.get("type"), summary.text), (expected, HOSTILE))


class MailHeaderTests(BaseTestCase):
    def test_header_text_is_one_line_without_control_characters(self) -> None:
        self.assertEqual(header_text("Zeile 1\r\nBcc: x@example.org\n\tZeile 2"), "Zeile 1 Bcc: x@example.org Zeile 2")
        self.assertEqual(header_text("a\x00b\u2028c\x85d"), "a b c d")
        self.assertEqual(len(header_text("x" * 500)), 150)
        self.assertTrue(header_text("x" * 500).endswith("…"))
