"""One form, one idea (issue 14, finding 16): four identical parallel submissions created four ideas.

Each rendered idea form carries a random submission token (hidden field); the idea stores it under
a unique constraint, so a double click or a parallel resend finds the first idea and lands on the
same answer, and only one confirmation mail goes out.
"""

import re
import threading
import unittest

from django.core import mail
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client, TransactionTestCase
from django.urls import reverse

from ideas.forms import SUBMISSION_TOKEN
from ideas.models import Idea, Moderation, StatusChange
from installation.testing import BaseTestCase, make_user

TOKEN = "k3Jx9Qm2Zr7Wt5Lp8Vn4Bc6Hd1"
ANONYMOUS = {
    "title": "Anwohnerparken online beantragen",
    "description": "Den Parkausweis ohne Termin im Bürgerbüro beantragen.",
    "author_email": "jana@example.org",
    "consent": "on",
    "submission": TOKEN,
}


def rendered_token(response) -> str:
    match = re.search(r'name="submission" value="([^"]*)"', response.content.decode())
    return match.group(1) if match else ""


class SubmitOnceTests(BaseTestCase):
    def test_every_rendered_form_carries_its_own_token(self) -> None:
        first = rendered_token(self.client.get(reverse("ideas:create")))
        second = rendered_token(self.client.get(reverse("ideas:create")))
        self.assertRegex(first, SUBMISSION_TOKEN)
        self.assertNotEqual(first, second)

    def test_the_same_anonymous_form_twice_creates_one_idea_and_one_mail(self) -> None:
        answers = [self.client.post(reverse("ideas:create"), ANONYMOUS) for _ in range(2)]
        self.assertEqual(Idea.objects.count(), 1)
        self.assertEqual(StatusChange.objects.count(), 1)
        self.assertEqual(len(mail.outbox), 1)
        for answer in answers:
            self.assertEqual(answer.status_code, 200)
            self.assertTemplateUsed(answer, "ideas/idea_submitted.html")

    def test_a_citizen_sending_twice_lands_on_the_one_idea(self) -> None:
        self.login(self.citizen)
        data = {key: ANONYMOUS[key] for key in ("title", "description", "submission")}
        answers = [self.client.post(reverse("ideas:create"), data) for _ in range(3)]
        idea = Idea.objects.get()
        self.assertEqual(idea.moderation, Moderation.PENDING)
        for answer in answers:
            self.assertRedirects(answer, idea.get_absolute_url())

    def test_the_token_stays_out_of_the_history(self) -> None:
        from auditlog.models import LogEntry

        self.login(self.citizen)
        self.client.post(
            reverse("ideas:create"), {key: ANONYMOUS[key] for key in ("title", "description", "submission")}
        )
        entry = LogEntry.objects.get_for_object(Idea.objects.get()).get()
        self.assertNotIn("submission_token", entry.changes_dict)
        self.assertNotIn(TOKEN, str(entry.changes))

    def test_a_form_without_token_is_sent_again_with_a_new_one(self) -> None:
        data = {key: value for key, value in ANONYMOUS.items() if key != "submission"}
        for extra in ({}, {"submission": "kurz"}, {"submission": "x" * 65}, {"submission": "ä" * 30}):
            response = self.client.post(reverse("ideas:create"), {**data, **extra})
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.context["form"].non_field_errors())
            self.assertRegex(rendered_token(response), SUBMISSION_TOKEN)
        self.assertFalse(Idea.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_someone_else_with_the_same_token_does_not_see_the_first_idea(self) -> None:
        self.client.post(reverse("ideas:create"), ANONYMOUS)
        other = {**ANONYMOUS, "author_email": "mallory@example.org"}
        response = self.client.post(reverse("ideas:create"), other)
        self.assertTemplateUsed(response, "ideas/idea_form.html")
        self.assertNotEqual(rendered_token(response), TOKEN)
        self.login(self.citizen)
        response = self.client.post(reverse("ideas:create"), {**other, "title": "Etwas anderes"})
        self.assertTemplateUsed(response, "ideas/idea_form.html")
        self.assertEqual(Idea.objects.count(), 1)

    def test_a_repeat_does_not_use_up_the_rate_limit(self) -> None:
        for _ in range(8):
            self.assertEqual(self.client.post(reverse("ideas:create"), ANONYMOUS).status_code, 200)
        self.assertEqual(Idea.objects.count(), 1)


@unittest.skipUnless(connection.vendor == "postgresql", "runs in the PostgreSQL pass")
class ParallelSubmitTests(TransactionTestCase):
    def test_four_identical_parallel_submissions_create_one_idea(self) -> None:
        cache.clear()
        barrier = threading.Barrier(4)
        statuses: list[int] = []

        def submit() -> None:
            try:
                barrier.wait()
                statuses.append(Client().post(reverse("ideas:create"), ANONYMOUS).status_code)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=submit) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(statuses, [200] * 4)
        self.assertEqual(Idea.objects.count(), 1)
        self.assertEqual(StatusChange.objects.count(), 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_parallel_submissions_of_a_citizen_create_one_idea(self) -> None:
        citizen = make_user(role="citizen")
        barrier = threading.Barrier(4)
        statuses: list[int] = []
        data = {key: ANONYMOUS[key] for key in ("title", "description", "submission")}

        def submit() -> None:
            try:
                client = Client()
                client.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
                barrier.wait()
                statuses.append(client.post(reverse("ideas:create"), data).status_code)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=submit) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(statuses, [302] * 4)
        self.assertEqual(Idea.objects.count(), 1)


class ReportOnceTests(BaseTestCase):
    def test_the_same_report_form_twice_creates_one_report(self) -> None:
        from ideas.models import Report
        from installation.testing import make_idea

        idea = make_idea()
        url = reverse("ideas:report", args=["idea", idea.pk])
        data = {"reason": "Beleidigung", "submission": TOKEN}
        for _ in range(3):
            self.assertRedirects(self.client.post(url, data), idea.get_absolute_url())
        self.assertEqual(Report.objects.count(), 1)
        response = self.client.post(url, {"reason": "Beleidigung"})
        self.assertEqual(response.status_code, 200)
        self.assertRegex(rendered_token(response), SUBMISSION_TOKEN)
        self.assertEqual(Report.objects.count(), 1)
        self.client.post(url, {**data, "submission": rendered_token(response)})
        self.assertEqual(Report.objects.count(), 2)
