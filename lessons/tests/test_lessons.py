from auditlog.models import LogEntry
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ApiToken
from installation.testing import BaseTestCase
from lessons.models import Lesson
from lessons.testing import make_lesson
from projects.models import Project

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


class VisibilityTests(BaseTestCase):
    """Unpublished lessons never appear for people who may not see them: pages, feed and API."""

    def setUp(self) -> None:
        super().setUp()
        self.public = make_lesson(title="Öffentliche Lehre")
        self.network = make_lesson(title="Geteilte Lehre", visibility=Lesson.Visibility.NETWORK)
        self.internal = make_lesson(title="Interne Lehre", visibility=Lesson.Visibility.INTERNAL)
        self.draft = make_lesson(title="Entwurf von Sam", state=Lesson.State.DRAFT, authors=[self.staff])
        self.review = make_lesson(title="In Prüfung", state=Lesson.State.IN_REVIEW, authors=[self.lead])
        self.withdrawn = make_lesson(title="Zurückgezogene Lehre", state=Lesson.State.WITHDRAWN)

    def visible_titles(self, user) -> set[str]:
        self.login(user)
        html = self.client.get(reverse("lessons:list")).content.decode()
        titles = {lesson.title for lesson in Lesson.objects.all() if lesson.title in html}
        for lesson in Lesson.objects.all():
            status = self.client.get(lesson.get_absolute_url()).status_code
            self.assertEqual(status, 200 if lesson.title in titles else 404, f"{user} {lesson.title}")
        return titles

    def test_anonymous_and_citizens_see_published_public_and_network_lessons_only(self) -> None:
        for user in (None, self.citizen):
            self.assertEqual(self.visible_titles(user), {"Öffentliche Lehre", "Geteilte Lehre"})

    def test_staff_see_published_ones_and_their_own_drafts(self) -> None:
        self.assertEqual(
            self.visible_titles(self.staff), {"Öffentliche Lehre", "Geteilte Lehre", "Interne Lehre", "Entwurf von Sam"}
        )
        self.assertEqual(self.visible_titles(self.council), {"Öffentliche Lehre", "Geteilte Lehre", "Interne Lehre"})

    def test_the_strategy_team_sees_everything_it_reviews(self) -> None:
        self.assertEqual(self.visible_titles(self.team), set(Lesson.objects.values_list("title", flat=True)))

    def test_the_feed_holds_public_lessons_only(self) -> None:
        self.login(self.team)  # even for the team: a feed is public
        feed = self.client.get(reverse("lessons:feed")).content.decode()
        self.assertIn("Öffentliche Lehre", feed)
        self.assertIn("Geteilte Lehre", feed)
        for title in ("Interne Lehre", "Entwurf von Sam", "In Prüfung", "Zurückgezogene Lehre"):
            self.assertNotIn(title, feed)

    def test_the_api_shows_public_lessons_without_a_token_and_more_with_one(self) -> None:
        titles = {row["title"] for row in self.client.get("/api/v1/lessons").json()["items"]}
        self.assertEqual(titles, {"Öffentliche Lehre", "Geteilte Lehre"})
        self.assertEqual(self.client.get(f"/api/v1/lessons/{self.draft.pk}").status_code, 404)
        _, raw = ApiToken.issue(user=self.staff, name="t")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        titles = {row["title"] for row in self.client.get("/api/v1/lessons", **auth).json()["items"]}
        self.assertEqual(titles, {"Öffentliche Lehre", "Geteilte Lehre", "Interne Lehre", "Entwurf von Sam"})
        self.assertEqual(self.client.get("/api/v1/lessons", headers={"authorization": "Bearer wrong"}).status_code, 401)

    def test_search_shows_each_person_only_the_lessons_they_may_read(self) -> None:
        expected = {
            None: {"Öffentliche Lehre", "Geteilte Lehre"},
            self.citizen: {"Öffentliche Lehre", "Geteilte Lehre"},
            self.staff: {"Öffentliche Lehre", "Geteilte Lehre", "Interne Lehre"},
            self.team: set(Lesson.objects.values_list("title", flat=True)),
        }
        for user, titles in expected.items():
            self.login(user)
            page = self.client.get("/search/", {"q": "Chatbot", "type": "lesson"}).content.decode()
            for lesson in Lesson.objects.all():
                self.assertEqual(lesson.title in page, lesson.title in titles, f"{user} page {lesson.title}")
        rows = self.client_get_api({"q": "Chatbot", "type": "lesson"})
        self.assertEqual({row["title"] for row in rows}, {"Öffentliche Lehre", "Geteilte Lehre"})

    def client_get_api(self, params: dict) -> list[dict]:
        self.client.logout()
        body = self.client.get("/api/v1/search", params).json()
        return body["items"] if isinstance(body, dict) else body

    def test_failed_lessons_are_counted_and_filtered_like_any_other_outcome(self) -> None:
        make_lesson(title="Erfolg", outcome=Lesson.Outcome.SUCCESS)
        response = self.client.get(reverse("lessons:list"), **EN)
        self.assertContains(response, "failed")
        self.assertContains(response, '<span class="count">(2)</span>', html=False)
        response = self.client.get(reverse("lessons:list"), {"outcome": "failed"}, **EN)
        self.assertContains(response, "Öffentliche Lehre")
        self.assertNotContains(response, "Erfolg")


class WorkflowTests(BaseTestCase):
    def form_data(self, **overrides) -> dict:
        data = {
            "title": "Digitale Akte: Scannen ist nicht Digitalisieren",
            "scope": "strategy",
            "outcome": "partial",
            "context": "Wir haben die Bauakten gescannt.",
            "what_did_not": "Die Abläufe blieben dieselben.",
            "visibility": "public",
            "tag_names": "Akte, Scannen",
        }
        data.update(overrides)
        return data

    def test_staff_write_a_draft_send_it_to_review_and_the_team_publishes_it(self) -> None:
        self.login(self.staff)
        response = self.client.post(reverse("lessons:create"), self.form_data())
        lesson = Lesson.objects.get()
        self.assertRedirects(response, lesson.get_absolute_url())
        self.assertEqual((lesson.state, list(lesson.authors.all())), ("draft", [self.staff]))
        self.assertEqual(sorted(lesson.tags.values_list("name", flat=True)), ["Akte", "Scannen"])
        self.client.get(reverse("lessons:list"))
        self.assertNotContains(self.client_for(None).get(reverse("lessons:list")), lesson.title)

        self.client.post(reverse("lessons:submit", args=[lesson.pk]))
        lesson.refresh_from_db()
        self.assertEqual(lesson.state, "in_review")
        self.assertEqual(self.client.get(reverse("lessons:edit", args=[lesson.pk])).status_code, 403)

        self.login(self.team)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("lessons:review", args=[lesson.pk]), {"decision": "publish", "note": ""}
            )
        lesson.refresh_from_db()
        self.assertEqual(lesson.state, "published")
        self.assertIsNotNone(lesson.published_at)
        self.assertEqual(mail.outbox[-1].to, [self.staff.email])
        self.assertContains(self.client_for(None).get(reverse("lessons:list")), lesson.title)

    def test_sending_back_needs_a_note_and_returns_the_draft_to_its_authors(self) -> None:
        lesson = make_lesson(state=Lesson.State.IN_REVIEW, authors=[self.staff])
        self.login(self.team)
        response = self.client.post(reverse("lessons:review", args=[lesson.pk]), {"decision": "return"}, **EN)
        self.assertContains(response, "Say what should change", status_code=400)
        lesson.refresh_from_db()
        self.assertEqual(lesson.state, "in_review")
        self.client.post(
            reverse("lessons:review", args=[lesson.pk]), {"decision": "return", "note": "Bitte Kosten nennen."}
        )
        lesson.refresh_from_db()
        self.assertEqual((lesson.state, lesson.review_note), ("draft", "Bitte Kosten nennen."))
        self.login(self.staff)
        self.assertContains(self.client.get(lesson.get_absolute_url()), "Bitte Kosten nennen.")

    def test_withdrawing_needs_a_reason_and_takes_the_lesson_off_the_public_pages(self) -> None:
        lesson = make_lesson()
        self.login(self.team)
        response = self.client.post(reverse("lessons:withdraw", args=[lesson.pk]), {"note": ""}, **EN)
        self.assertEqual(response.status_code, 400)
        lesson.refresh_from_db()
        self.assertEqual(lesson.state, "published")
        self.client.post(reverse("lessons:withdraw", args=[lesson.pk]), {"note": "Personenbezug entdeckt."})
        lesson.refresh_from_db()
        self.assertEqual(lesson.state, "withdrawn")
        self.assertEqual(self.client_for(None).get(lesson.get_absolute_url()).status_code, 404)

    def test_a_lesson_about_a_project_needs_the_project(self) -> None:
        self.login(self.staff)
        response = self.client.post(reverse("lessons:create"), self.form_data(scope="project"), **EN)
        self.assertContains(response, "Choose the project this lesson is about.", status_code=400)
        self.assertFalse(Lesson.objects.exists())
        project = Project.objects.create(title="Digitale Bauakte")
        self.client.post(reverse("lessons:create"), self.form_data(scope="project", project=project.pk))
        self.assertEqual(Lesson.objects.get().project, project)

    def test_a_second_save_from_an_old_version_is_refused_and_overwrites_nothing(self) -> None:
        lesson = make_lesson(state=Lesson.State.DRAFT, authors=[self.staff])
        self.login(self.staff)
        stale = self.form_data(version=lesson.version, title="Meine Fassung")
        self.client.post(
            reverse("lessons:edit", args=[lesson.pk]), self.form_data(version=lesson.version, title="Erste")
        )
        response = self.client.post(reverse("lessons:edit", args=[lesson.pk]), stale, **EN)
        self.assertContains(response, "Someone else saved this lesson", status_code=400)
        lesson.refresh_from_db()
        self.assertEqual(lesson.title, "Erste")

    def test_every_change_is_in_the_audit_trail(self) -> None:
        self.login(self.staff)
        self.client.post(reverse("lessons:create"), self.form_data())
        lesson = Lesson.objects.get()
        self.client.post(reverse("lessons:submit", args=[lesson.pk]))
        self.login(self.team)
        history = self.client.get(reverse("core:history", args=["lesson", lesson.pk]), **EN)
        self.assertEqual(history.status_code, 200)
        actors = list(LogEntry.objects.get_for_object(lesson).values_list("actor__email", flat=True))
        self.assertGreaterEqual(len(actors), 2)
        self.assertEqual(set(actors), {self.staff.email})

    def client_for(self, user):
        from django.test import Client

        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client


class ListTests(BaseTestCase):
    def test_queries_do_not_grow_with_the_number_of_lessons(self) -> None:
        for i in range(3):
            make_lesson(title=f"Lehre {i}").tags.create(name=f"Tag {i}")
        self.login(self.team)
        with CaptureQueriesContext(connection) as few:
            self.client.get(reverse("lessons:list"))
        for i in range(3, 25):
            make_lesson(title=f"Lehre {i}").tags.create(name=f"Tag {i}")
        with CaptureQueriesContext(connection) as many:
            self.client.get(reverse("lessons:list"))
        self.assertEqual(len(few), len(many))

    def test_an_empty_list_says_so(self) -> None:
        self.assertContains(
            self.client.get(reverse("lessons:list"), **EN), "No lessons learned have been published yet."
        )


class ApiWriteTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        _, raw = ApiToken.issue(user=self.staff, name="t")
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def test_staff_write_a_draft_and_send_it_to_review(self) -> None:
        payload = {"title": "API-Lehre", "scope": "strategy", "context": "Kontext", "tags": ["API", "Test"]}
        response = self.client.post("/api/v1/lessons", payload, content_type="application/json", **self.auth)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual((body["state"], sorted(body["tags"])), ("draft", ["API", "Test"]))
        response = self.client.post(f"/api/v1/lessons/{body['id']}/submit", **self.auth)
        self.assertEqual(response.json()["state"], "in_review")
        response = self.client.post(f"/api/v1/lessons/{body['id']}/submit", **self.auth)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(
            set(LogEntry.objects.get_for_object(Lesson.objects.get()).values_list("actor", flat=True)), {self.staff.pk}
        )

    def test_bad_input_gets_a_message_and_writes_nothing(self) -> None:
        payload = {"title": "Ohne Projekt", "scope": "project", "context": "Kontext"}
        response = self.client.post("/api/v1/lessons", payload, content_type="application/json", **self.auth)
        self.assertEqual(response.status_code, 422)
        self.assertIn("project", response.json()["message"])
        self.assertFalse(Lesson.objects.exists())

    def test_citizens_tokens_and_no_token_cannot_write(self) -> None:
        payload = {"title": "x", "scope": "strategy", "context": "y"}
        self.assertEqual(self.client.post("/api/v1/lessons", payload, content_type="application/json").status_code, 401)
