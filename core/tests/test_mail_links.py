"""Every e-mail about an idea or a lesson links to it with an absolute address (issue 15), in German
also when the person who acted uses English, and the demo's console prints the links whole.

The learning sessions' mails are tested in learning/tests/test_calendar.py with the same helpers.
"""

import email
import email.policy
import io
import re

from django.core import mail
from django.core.mail import EmailMessage
from django.test import override_settings
from django.utils import translation

from core.links import absolute_url
from core.mail import ConsoleBackend
from ideas.models import Idea, Moderation
from ideas.services import idea_merge
from ideas.workflow import idea_change_status
from installation.testing import BaseTestCase, make_idea
from lessons.models import Lesson
from lessons.services import lesson_publish, lesson_return
from lessons.testing import make_lesson

BASE = "https://etappe.lindenfeld.example"
# A title as long as the field allows, with quotes, markup and a line break.
HOSTILE = ("„Schlaglöcher“ & <b>Gehwege</b>\r\nBcc: x@example.org – " + "sehr lange Überschrift " * 10)[:200]


def console_output(message: EmailMessage) -> str:
    stream = io.StringIO()
    ConsoleBackend(stream=stream).send_messages([message])
    return stream.getvalue()


def assert_links_whole(case, message: EmailMessage, urls: list[str]) -> None:
    """Each address stands on a line of its own in the body and in the console output; the MIME
    message that goes over SMTP carries the same text once decoded."""
    printed = console_output(message)
    for url in urls:
        case.assertIn(f"\n{url}\n", message.body)
        case.assertIn(f"\n{url}\n", printed)
    case.assertNotRegex(printed, r"=\n")  # no quoted-printable soft line break
    case.assertNotIn("=C3=", printed)
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    case.assertEqual(
        parsed.get_body(("plain",)).get_content().replace("\r\n", "\n"), message.body.replace("\r\n", "\n")
    )


@override_settings(ETAPPE_BASE_URL=BASE)
class MailLinkTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        mail.outbox.clear()

    def test_absolute_url_takes_a_path_or_an_object(self):
        idea = make_idea()
        self.assertEqual(absolute_url(idea), f"{BASE}/ideas/{idea.pk}/")
        self.assertEqual(absolute_url("/learning/"), f"{BASE}/learning/")

    def test_the_status_mail_links_to_the_idea_in_german_although_the_moderator_reads_english(self):
        idea = make_idea(title=HOSTILE, author=self.citizen)
        with translation.override("en"), self.captureOnCommitCallbacks(execute=True):
            idea_change_status(idea=idea, to_status=Idea.Status.IN_REVIEW, reason="Wir prüfen das.", by=self.team)
        [message] = mail.outbox
        self.assertIn("Ihre Idee auf der Plattform:", message.body)
        self.assertIn("Neuigkeiten zu Ihrer Idee", message.subject)
        self.assertIn("„Schlaglöcher“ & <b>Gehwege</b>", message.body)
        assert_links_whole(self, message, [f"{BASE}/ideas/{idea.pk}/"])

    def test_the_merge_mail_links_to_both_ideas(self):
        duplicate = make_idea(title=HOSTILE, author_email="jana@example.org", moderation=Moderation.PUBLISHED)
        kept = make_idea(title="Gehwege reparieren")
        with self.captureOnCommitCallbacks(execute=True):
            idea_merge(duplicate=duplicate, into=kept, reason="Gleicher Inhalt.", by=self.team)
        [message] = mail.outbox
        self.assertIn("Die Idee, mit der sie zusammengeführt wurde:", message.body)
        assert_links_whole(self, message, [f"{BASE}/ideas/{kept.pk}/", f"{BASE}/ideas/{duplicate.pk}/"])

    def test_the_lesson_mails_link_to_the_lesson(self):
        for service, note in ((lesson_publish, ""), (lesson_return, "Bitte die Kosten ergänzen.")):
            mail.outbox.clear()
            lesson = make_lesson(title=HOSTILE, state=Lesson.State.IN_REVIEW, authors=[self.staff])
            with translation.override("en"), self.captureOnCommitCallbacks(execute=True):
                service(lesson=lesson, by=self.team, note=note)
            [message] = mail.outbox
            self.assertIn("Ihr Erfahrungsbericht auf der Plattform:", message.body)
            self.assertTrue(message.subject.startswith("Ihr Erfahrungsbericht „"), message.subject)
            assert_links_whole(self, message, [f"{BASE}/lessons/{lesson.pk}/"])


class ConsoleBackendTests(BaseTestCase):
    def test_a_long_link_and_umlauts_print_readably_and_attachments_by_name(self):
        link = "http://127.0.0.1:8000/ideas/confirm/" + "eyJpZGVhIjoxMjMsImVtYWlsIjoi" * 4 + "/"
        message = EmailMessage(
            "Bitte bestätigen Sie Ihre Idee „Schlaglöcher“",
            f"Guten Tag,\n\nbitte bestätigen Sie:\n\n{link}\n",
            None,
            ["jana@example.org"],
            attachments=[("termin.ics", "BEGIN:VCALENDAR\r\nSUMMARY:Überblick\r\nEND:VCALENDAR\r\n", "text/calendar")],
        )
        printed = console_output(message)
        self.assertIn("Subject: Bitte bestätigen Sie Ihre Idee „Schlaglöcher“\n", printed)
        self.assertIn(f"\n{link}\n", printed)
        self.assertIn("Attachment: termin.ics (text/calendar, ", printed)
        self.assertIn("SUMMARY:Überblick", printed)
        self.assertNotRegex(printed, r"=\n|=[0-9A-F]{2}")
        # Django's own console backend cuts the same link (the reason for ours).
        stream = io.StringIO()
        from django.core.mail.backends.console import EmailBackend

        EmailBackend(stream=stream).send_messages([message])
        self.assertNotIn(link, stream.getvalue())
        self.assertTrue(re.search(r"=\n", stream.getvalue()))
