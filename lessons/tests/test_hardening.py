"""Lessons leak nothing internal, feed readers get text as text, and odd titles break no review."""

from smtplib import SMTPException
from unittest import mock
from xml.etree import ElementTree

from django.core import mail
from django.urls import reverse

from accounts.models import ApiToken
from installation.testing import BaseTestCase
from lessons.models import Lesson
from lessons.services import LessonError, lesson_return
from lessons.testing import make_lesson
from projects.models import Project

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


class InternalProjectTests(BaseTestCase):
    """A public lesson about an internal project names the project only to those who may see it."""

    def setUp(self) -> None:
        super().setUp()
        self.project = Project.objects.create(title="Geheime Umstrukturierung", visibility=Project.Visibility.INTERNAL)
        self.lesson = make_lesson(title="Was die Umstrukturierung lehrte", scope="project", project=self.project)

    def test_the_public_pages_do_not_name_the_internal_project(self) -> None:
        for user in (None, self.citizen):
            self.login(user)
            self.assertEqual(self.client.get(self.project.get_absolute_url()).status_code, 404)
            for url in (self.lesson.get_absolute_url(), reverse("lessons:list"), reverse("core:home")):
                response = self.client.get(url)
                self.assertContains(response, "Was die Umstrukturierung lehrte")
                self.assertNotContains(response, "Geheime Umstrukturierung")

    def test_the_administration_sees_the_project_and_its_link(self) -> None:
        self.login(self.staff)
        self.assertContains(self.client.get(self.lesson.get_absolute_url()), self.project.get_absolute_url())
        self.assertContains(self.client.get(reverse("lessons:list")), "Geheime Umstrukturierung")

    def test_the_api_points_only_at_projects_the_reader_may_see(self) -> None:
        self.assertIsNone(self.client.get(f"/api/v1/lessons/{self.lesson.pk}").json()["project_id"])
        self.assertEqual([row["project_id"] for row in self.client.get("/api/v1/lessons").json()["items"]], [None])
        by_project = self.client.get("/api/v1/lessons", {"project_id": self.project.pk}).json()["items"]
        self.assertEqual(by_project, [])  # nor can the public tell which lessons are about it
        _, raw = ApiToken.issue(user=self.staff, name="t")
        answer = self.client.get(f"/api/v1/lessons/{self.lesson.pk}", headers={"authorization": f"Bearer {raw}"}).json()
        self.assertEqual(answer["project_id"], self.project.pk)
        by_project = self.client.get(
            "/api/v1/lessons", {"project_id": self.project.pk}, headers={"authorization": f"Bearer {raw}"}
        ).json()["items"]
        self.assertEqual([row["id"] for row in by_project], [self.lesson.pk])

    def test_a_public_project_is_still_named_to_everyone(self) -> None:
        self.project.visibility = Project.Visibility.PUBLIC
        self.project.save()
        self.assertContains(self.client.get(self.lesson.get_absolute_url()), "Geheime Umstrukturierung")


class TagFilterTests(BaseTestCase):
    """The tag filter offers the tags of lessons the person may read, nothing else."""

    def setUp(self) -> None:
        super().setUp()
        make_lesson(title="Öffentlich").tags.create(name="Bürgerkonto")
        draft = make_lesson(title="Entwurf", state=Lesson.State.DRAFT, authors=[self.lead])
        draft.tags.create(name="Stellenabbau")
        internal = make_lesson(title="Intern", visibility=Lesson.Visibility.INTERNAL)
        internal.tags.create(name="Personalrat")

    def tag_options(self, user) -> str:
        self.login(user)
        response = self.client.get(reverse("lessons:list"))
        return response.content.decode().split('name="tag"', 1)[1].split("</select>", 1)[0]

    def test_tags_of_drafts_and_internal_lessons_stay_out_of_the_public_filter(self) -> None:
        for user in (None, self.citizen):
            options = self.tag_options(user)
            self.assertIn("Bürgerkonto", options)
            self.assertNotIn("Stellenabbau", options)
            self.assertNotIn("Personalrat", options)

    def test_staff_see_internal_tags_and_the_tags_of_their_own_drafts_only(self) -> None:
        options = self.tag_options(self.staff)
        self.assertIn("Personalrat", options)
        self.assertNotIn("Stellenabbau", options)
        self.assertIn("Stellenabbau", self.tag_options(self.lead))
        self.assertIn("Stellenabbau", self.tag_options(self.team))

    def test_filtering_by_a_hidden_tag_finds_nothing(self) -> None:
        response = self.client.get(reverse("lessons:list"), {"tag": "stellenabbau"})
        self.assertNotContains(response, "Entwurf")
        self.assertNotContains(response, "Stellenabbau")


class FeedTests(BaseTestCase):
    def test_hostile_text_reaches_feed_readers_as_text(self) -> None:
        make_lesson(title=f"Titel {HOSTILE}", context=f"Kontext {HOSTILE}\x0c")
        response = self.client.get(reverse("lessons:feed"))
        self.assertEqual(response.status_code, 200)
        entry = ElementTree.fromstring(response.content).find(f"{ATOM}entry")  # noqa: S314 - our own feed
        summary = entry.find(f"{ATOM}summary")
        self.assertEqual((summary.get("type"), summary.text), ("text", f"Kontext {HOSTILE}"))
        self.assertTrue(entry.find(f"{ATOM}title").text.startswith(f"Titel {HOSTILE}"))


class OddTitleReviewTests(BaseTestCase):
    """A title with a line break (stored before titles were checked, or from elsewhere) breaks no review."""

    def setUp(self) -> None:
        super().setUp()
        self.lesson = make_lesson(
            title="Erste Zeile\r\nBcc: alle@example.org", state=Lesson.State.IN_REVIEW, authors=[self.staff]
        )
        self.login(self.team)

    def review(self, decision: str) -> object:
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                reverse("lessons:review", args=[self.lesson.pk]), {"decision": decision, "note": "Bitte kürzen."}
            )

    def test_publishing_sends_the_mail_with_a_one_line_subject(self) -> None:
        response = self.review("publish")
        self.assertRedirects(response, self.lesson.get_absolute_url(), fetch_redirect_response=False)
        self.lesson.refresh_from_db()
        self.assertEqual(self.lesson.state, Lesson.State.PUBLISHED)
        [message] = mail.outbox
        self.assertEqual(message.to, [self.staff.email])
        self.assertNotIn("\n", message.subject)
        self.assertIn("Erste Zeile Bcc: alle@example.org", message.subject)
        self.assertEqual(message.bcc, [])

    def test_sending_back_works_too(self) -> None:
        self.assertEqual(self.review("return").status_code, 302)
        self.lesson.refresh_from_db()
        self.assertEqual(self.lesson.state, Lesson.State.DRAFT)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_failing_mail_server_does_not_turn_a_saved_review_into_an_error(self) -> None:
        with (
            mock.patch("core.mail.EmailMessage.send", side_effect=SMTPException("down")),
            self.assertLogs(level="ERROR"),
        ):
            response = self.review("publish")
        self.assertEqual(response.status_code, 302)
        self.lesson.refresh_from_db()
        self.assertEqual(self.lesson.state, Lesson.State.PUBLISHED)

    def test_no_mail_leaves_before_the_change_is_committed(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            self.client.post(reverse("lessons:review", args=[self.lesson.pk]), {"decision": "publish", "note": ""})
        self.assertEqual(len(mail.outbox), 0)
        for callback in callbacks:
            callback()
        self.assertEqual(len(mail.outbox), 1)

    def test_a_decision_taken_meanwhile_is_not_taken_twice(self) -> None:
        stale = Lesson.objects.get(pk=self.lesson.pk)  # read by a second reviewer before the first decided
        self.review("publish")
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(LessonError):
            lesson_return(lesson=stale, by=self.admin, note="Doch nicht.")
        self.lesson.refresh_from_db()
        self.assertEqual((self.lesson.state, self.lesson.review_note), (Lesson.State.PUBLISHED, "Bitte kürzen."))
        self.assertEqual(mail.outbox, [])

    def test_a_new_title_with_a_line_break_is_refused_with_a_message(self) -> None:
        self.login(self.staff)
        draft = make_lesson(state=Lesson.State.DRAFT, authors=[self.staff])
        data = {
            "title": "Zwei\nZeilen",
            "scope": "strategy",
            "outcome": "partial",
            "context": "Kontext",
            "visibility": "public",
            "version": draft.version,
        }
        response = self.client.post(reverse("lessons:edit", args=[draft.pk]), data, **EN)
        self.assertContains(response, "The title is a single line", status_code=400)
        draft.refresh_from_db()
        self.assertNotIn("\n", draft.title)

    def test_the_api_refuses_a_title_with_a_line_break_too(self) -> None:
        _, raw = ApiToken.issue(user=self.staff, name="t")
        payload = {"title": "Zwei\r\nZeilen", "scope": "strategy", "context": "Kontext"}
        response = self.client.post(
            "/api/v1/lessons", payload, content_type="application/json", headers={"authorization": f"Bearer {raw}"}
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("title", response.json()["message"])
        self.assertFalse(Lesson.objects.filter(title__contains="Zeilen").exists())
