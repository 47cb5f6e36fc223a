"""Every e-mail the platform sends, with hostile text in it (issue 14, "Also").

The mails: idea confirmation, idea status change, idea merged (ideas.services), lesson published
and sent back (lessons.services), registration for a new and a known address
(accounts.services), password reset (Django's form with Etappe's templates). Each is triggered
through its real code path with titles, names and reasons holding markup, ampersands and quotes,
CR/LF with a "Bcc:" header, very long text, and (where a form decides) a NUL character.

Checked for every mail: it is sent at all (a subject with a line break made Django raise
BadHeaderError, a 500 after the change was saved); the subject is one line without control
characters; no extra header appears; the plain-text body carries the text as typed (not
HTML-escaped, not double-escaped); and no mail has an HTML part (so none can carry unescaped
markup); if one is ever added it must be escaped.
"""

import re

from django.core import mail
from django.urls import reverse

from ideas.models import Idea, Moderation
from ideas.services import idea_merge, idea_submit
from ideas.workflow import idea_change_status
from installation.testing import BaseTestCase, make_idea
from lessons.models import Lesson
from lessons.services import lesson_publish, lesson_return
from lessons.testing import make_lesson

MARKUP = "<script>alert('x')</script> & \"Zitat\""
INJECTION = "Parkausweis\r\nBcc: victim@example.org\r\nX-Evil: 1"
TITLE = f"{MARKUP} {INJECTION}"[:200]
LONG = "Überlang " * 500
CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


class HostileMailTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        mail.outbox.clear()

    def assert_safe(self, message, *, typed: list[str]) -> None:
        """One sent message: a safe one-line subject, no injected header, the text as typed in the body."""
        self.assertFalse(CONTROL.search(message.subject), repr(message.subject))
        self.assertLessEqual(len(message.subject), 200)
        raw = message.message().as_string()
        headers = raw.split("\n\n", 1)[0]
        self.assertNotIn("\nBcc:", headers)
        self.assertNotIn("\nX-Evil:", headers)
        self.assertEqual(message.bcc, [])
        self.assertEqual(len(message.to), 1)
        for text in typed:
            self.assertIn(text, message.body)
        for escaped in ("&lt;", "&gt;", "&amp;", "&quot;", "&#x27;", "&#39;", "&amp;amp;"):
            self.assertNotIn(escaped, message.body)
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                self.assertNotIn("<script>", content)

    def test_the_anonymous_confirmation_mail(self) -> None:
        idea = Idea(title=TITLE, description=LONG, author_name=MARKUP, author_email="jana@example.org")
        idea_submit(idea=idea, author=None)
        self.assertEqual(len(mail.outbox), 1)
        self.assert_safe(mail.outbox[0], typed=[MARKUP])

    def test_the_status_mail_with_a_hostile_title_and_reason_is_sent_and_no_server_error(self) -> None:
        idea = make_idea(title=TITLE, author=self.citizen)
        with self.captureOnCommitCallbacks(execute=True):
            idea_change_status(idea=idea, to_status=Idea.Status.IN_REVIEW, reason=f"{MARKUP}\n{LONG}", by=self.team)
        self.assertEqual(len(mail.outbox), 1)
        self.assert_safe(mail.outbox[0], typed=[MARKUP, "Bcc: victim@example.org"])  # in the body it is text
        self.assertIn("Parkausweis", mail.outbox[0].subject)

        # Through the page, as a moderator: the answer is a redirect, not a 500.
        self.login(self.team)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("ideas:status", args=[idea.pk]), {"to_status": Idea.Status.IN_POOL, "reason": INJECTION}
            )
        self.assertRedirects(response, idea.get_absolute_url())
        self.assertEqual(len(mail.outbox), 2)
        self.assert_safe(mail.outbox[1], typed=[])

    def test_the_merge_mail(self) -> None:
        duplicate = make_idea(title=TITLE, author_email="jana@example.org", moderation=Moderation.PUBLISHED)
        kept = make_idea(title=f"{MARKUP} behalten")
        with self.captureOnCommitCallbacks(execute=True):
            idea_merge(duplicate=duplicate, into=kept, reason=LONG, by=self.team)
        self.assertEqual(len(mail.outbox), 1)
        self.assert_safe(mail.outbox[0], typed=[MARKUP, LONG.strip()])

    def test_the_lesson_review_mails(self) -> None:
        for service, note in ((lesson_publish, MARKUP), (lesson_return, f"{MARKUP}\r\nBcc: x@example.org")):
            mail.outbox.clear()
            lesson = make_lesson(title=TITLE, state=Lesson.State.IN_REVIEW, authors=[self.staff])
            with self.captureOnCommitCallbacks(execute=True):
                service(lesson=lesson, by=self.team, note=note)
            self.assertEqual(len(mail.outbox), 1, service.__name__)
            self.assert_safe(mail.outbox[0], typed=[MARKUP])

    def test_the_registration_and_password_mails(self) -> None:
        for email in ("neu@example.org", self.citizen.email):
            mail.outbox.clear()
            self.client.post(reverse("accounts:register"), {"email": email})
            self.assertEqual(len(mail.outbox), 1, email)
            self.assert_safe(mail.outbox[0], typed=["http://testserver/"])
        mail.outbox.clear()
        self.client.post(reverse("accounts:password_reset"), {"email": self.citizen.email})
        self.assertEqual(len(mail.outbox), 1)
        self.assert_safe(mail.outbox[0], typed=["http://testserver/"])

    def test_nul_and_line_breaks_in_the_idea_form_never_reach_a_mail(self) -> None:
        for title in (f"Park\x00ausweis {MARKUP}", "Park\r\nBcc: victim@example.org"):
            mail.outbox.clear()
            self.client.post(
                reverse("ideas:create"),
                {
                    "title": title,
                    "description": "Ohne Termin.",
                    "author_email": "jana@example.org",
                    "consent": "on",
                    "submission": f"hostile-token-{len(title):04d}-abcdefghij",
                },
            )
            for message in mail.outbox:
                self.assert_safe(message, typed=[])
