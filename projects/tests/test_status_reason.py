"""A stopped or suspended project says why, and a project's page shows the lessons written about it."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from installation.testing import BaseTestCase
from lessons.models import Lesson
from lessons.testing import make_lesson
from projects.importing import import_measures, parse_measures
from projects.models import LogEntry, Project
from projects.services import log_add
from projects.tests.test_projects import make_project, project_post

REASON = "Der Anbieter hat den Vertrag gekündigt; der Lenkungskreis hat den Abbruch beschlossen."


class EnglishTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


class StatusReasonTests(EnglishTestCase):
    def edit(self, project: Project, **overrides):
        self.login(self.team)
        project.refresh_from_db()
        return self.client.post(reverse("projects:edit", args=[project.pk]), project_post(project, **overrides))

    def test_stopping_or_suspending_without_a_reason_is_refused_and_writes_nothing(self) -> None:
        project = make_project(status=Project.Status.IN_IMPLEMENTATION)
        for status in ("stopped", "suspended"):
            response = self.edit(project, status=status, status_reason="   ")
            self.assertContains(response, f"Please say why the project is {status}")
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
        response = self.edit(project, status="stopped")
        self.assertContains(response, "Bitte begründen Sie, warum das Projekt eingestellt wird.")
        project.refresh_from_db()
        self.assertEqual((project.status, project.version), (Project.Status.IN_IMPLEMENTATION, 1))
        self.assertFalse(LogEntry.objects.exists())

    def test_a_reason_longer_than_2000_characters_is_refused(self) -> None:
        project = make_project(status=Project.Status.IN_IMPLEMENTATION)
        response = self.edit(project, status="stopped", status_reason="x" * 2001)
        self.assertContains(response, "at most 2000 characters")
        self.assertEqual(Project.objects.get().status, Project.Status.IN_IMPLEMENTATION)

    def test_the_status_change_goes_into_the_log_with_its_reason_and_leaves_the_light_alone(self) -> None:
        project = make_project(status=Project.Status.IN_IMPLEMENTATION)
        log_add(entry=LogEntry(project=project, happened="Läuft.", light=LogEntry.Light.RED), by=self.staff)
        self.assertEqual(self.edit(project, status="stopped", status_reason=REASON).status_code, 302)
        project.refresh_from_db()
        self.assertEqual((project.status, project.status_reason), (Project.Status.STOPPED, REASON))
        entry = project.log_entries.first()
        self.assertEqual((entry.status, entry.happened, entry.light, entry.author), ("stopped", REASON, "", self.team))
        self.assertEqual(project.last_traffic_light, LogEntry.Light.RED)
        # A later ordinary entry still sets the light; the status entry does not count for it.
        log_add(entry=LogEntry(project=project, happened="Abbau.", light=LogEntry.Light.YELLOW), by=self.staff)
        log_add(entry=LogEntry(project=project, happened="Nachtrag.", light=LogEntry.Light.GREEN), by=self.staff)
        project.refresh_from_db()
        self.assertEqual(project.last_traffic_light, LogEntry.Light.GREEN)

        self.client.logout()
        page = self.client.get(project.get_absolute_url())
        self.assertContains(page, "Why this project was stopped")
        self.assertContains(page, "Status changed:", count=1)
        self.assertContains(page, REASON, count=2)  # in the header and in the log

    def test_saving_without_a_status_change_writes_no_log_entry(self) -> None:
        project = make_project(status=Project.Status.STOPPED, status_reason=REASON)
        self.assertEqual(self.edit(project, status="stopped", status_reason=REASON, title="Neu").status_code, 302)
        self.assertFalse(LogEntry.objects.exists())

    def test_resuming_drops_the_old_reason_unless_a_new_one_is_given(self) -> None:
        project = make_project(status=Project.Status.SUSPENDED, status_reason="Haushaltssperre.")
        self.assertEqual(
            self.edit(project, status="in_implementation", status_reason="Haushaltssperre.").status_code, 302
        )
        project.refresh_from_db()
        self.assertEqual((project.status, project.status_reason), (Project.Status.IN_IMPLEMENTATION, ""))
        self.assertEqual(project.log_entries.get().status, "in_implementation")
        self.edit(project, status="suspended", status_reason="Wieder gesperrt.")
        self.edit(project, status="in_implementation", status_reason="Der Förderbescheid liegt vor.")
        project.refresh_from_db()
        self.assertEqual(project.status_reason, "Der Förderbescheid liegt vor.")

    def test_the_log_entry_form_still_needs_a_light(self) -> None:
        project = make_project(status=Project.Status.IN_IMPLEMENTATION)
        self.login(self.team)
        response = self.client.post(
            reverse("projects:log_create", args=[project.pk]), {"entry_date": "2026-01-01", "happened": "x"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(LogEntry.objects.exists())
        self.assertNotContains(self.client.get(reverse("projects:log_create", args=[project.pk])), "---------")

    def test_an_old_stopped_project_without_a_reason_says_so(self) -> None:
        project = make_project(status=Project.Status.STOPPED)
        self.assertContains(self.client.get(project.get_absolute_url()), "No reason has been recorded yet.")
        self.login(self.team)
        self.assertContains(self.client.get(project.get_absolute_url()), "Add the reason")


class ImportReasonTests(EnglishTestCase):
    HEADER = "Maßnahme;Status;Begründung;Etappenziel;Fällig am\n"

    def test_a_stopped_project_needs_a_reason_column(self) -> None:
        with translation.override("en"):
            result = parse_measures((self.HEADER + "Chatbot;gestoppt;;Pilot;31.12.2025\n").encode())
        self.assertEqual(
            result.errors, [(2, "a project that is “stopped” needs a reason (column “Reason for the status”)")]
        )
        with translation.override("en"):
            long = parse_measures((self.HEADER + f"Chatbot;gestoppt;{'x' * 2001};Pilot;31.12.2025\n").encode())
        self.assertIn("longer than 2000 characters", " ".join(m for _, m in long.errors))

    def test_the_reason_may_stand_in_any_row_of_the_project(self) -> None:
        text = (
            self.HEADER + "Chatbot;gestoppt;;Pilot;31.12.2025\nChatbot;gestoppt;Vertrag gekündigt.;Start;31.03.2026\n"
        )
        result = parse_measures(text.encode())
        self.assertEqual(result.errors, [])
        (project,) = import_measures(result)
        self.assertEqual((project.status, project.status_reason), ("stopped", "Vertrag gekündigt."))

    def test_the_preview_shows_the_status_in_words_with_its_reason(self) -> None:
        self.login(self.team)
        text = self.HEADER + "Chatbot;gestoppt;Vertrag gekündigt.;Pilot;31.12.2025\nE-Akte;;;Pilot;31.12.2026\n"
        upload = SimpleUploadedFile("massnahmen.csv", text.encode(), content_type="text/csv")
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
        response = self.client.post(reverse("projects:import"), {"action": "upload", "file": upload})
        self.assertContains(
            response, '<td class="kern-table__cell">eingestellt<br><span class="muted">Vertrag gekündigt.'
        )
        self.assertContains(response, '<td class="kern-table__cell">geplant</td>')
        self.assertNotContains(response, ">stopped<")


class ProjectLessonsTests(EnglishTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.project = make_project(status=Project.Status.STOPPED, status_reason=REASON)
        kwargs = {"project": self.project, "scope": Lesson.Scope.PROJECT}
        self.public = make_lesson(title="Öffentlicher Bericht", **kwargs)
        self.internal = make_lesson(title="Interner Bericht", visibility=Lesson.Visibility.INTERNAL, **kwargs)
        self.draft = make_lesson(
            title="Entwurf zum Projekt",
            state=Lesson.State.DRAFT,
            visibility=Lesson.Visibility.NETWORK,
            created_by=self.staff,
            authors=[self.staff],
            **kwargs,
        )

    def titles(self, user) -> set[str]:
        self.login(user)
        page = self.client.get(self.project.get_absolute_url()).content.decode()
        return {t for t in ("Öffentlicher Bericht", "Interner Bericht", "Entwurf zum Projekt") if t in page}

    def test_the_page_shows_the_lessons_each_reader_may_read(self) -> None:
        self.assertEqual(self.titles(None), {"Öffentlicher Bericht"})
        self.assertEqual(self.titles(self.citizen), {"Öffentlicher Bericht"})
        self.assertEqual(self.titles(self.council), {"Öffentlicher Bericht", "Interner Bericht"})
        self.assertEqual(self.titles(self.lead), {"Öffentlicher Bericht", "Interner Bericht"})
        self.assertEqual(self.titles(self.staff), {"Öffentlicher Bericht", "Interner Bericht", "Entwurf zum Projekt"})
        self.assertEqual(self.titles(self.team), {"Öffentlicher Bericht", "Interner Bericht", "Entwurf zum Projekt"})

    def test_a_draft_is_not_called_shared_nationwide(self) -> None:
        self.login(self.staff)
        page = self.client.get(self.project.get_absolute_url())
        self.assertNotContains(page, ">shared nationwide<")
        self.assertContains(page, "to be shared nationwide once published")
        for url in (self.draft.get_absolute_url(), reverse("lessons:list")):
            self.assertNotContains(self.client.get(url), ">shared nationwide<")
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
        self.assertNotContains(self.client.get(self.draft.get_absolute_url()), ">bundesweit geteilt<")
        self.draft.state, self.draft.published_at = Lesson.State.PUBLISHED, self.public.published_at
        self.draft.save()
        self.assertContains(self.client.get(self.draft.get_absolute_url()), ">bundesweit geteilt<")

    def test_the_team_is_invited_to_write_the_lesson_of_a_stopped_project(self) -> None:
        Lesson.objects.all().delete()
        create = reverse("lessons:create") + f"?project={self.project.pk}"
        for user in (None, self.citizen):
            self.login(user)
            page = self.client.get(self.project.get_absolute_url())
            self.assertNotContains(page, create)
            self.assertNotContains(page, "What did the team learn from it?")
        for user in (self.staff, self.council, self.team):
            self.login(user)
            self.assertContains(self.client.get(self.project.get_absolute_url()), create)
        self.login(self.staff)
        form = self.client.get(create)
        self.assertContains(form, f'<option value="{self.project.pk}" selected>')
        running = make_project(title="Läuft", status=Project.Status.IN_IMPLEMENTATION)
        self.assertNotContains(self.client.get(running.get_absolute_url()), "What did the team learn")

    def test_the_lesson_page_names_the_project_only_to_who_may_see_it(self) -> None:
        self.assertContains(self.client.get(self.public.get_absolute_url()), self.project.title, count=2)
        self.project.visibility = Project.Visibility.INTERNAL
        self.project.save()
        self.assertNotContains(self.client.get(self.public.get_absolute_url()), self.project.title)
        self.login(self.staff)
        self.assertContains(self.client.get(self.public.get_absolute_url()), self.project.get_absolute_url())

    def test_the_page_needs_the_same_queries_with_more_lessons(self) -> None:
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(self.project.get_absolute_url()).status_code, 200)
            return len(queries)

        for user in (None, self.staff, self.team):
            self.login(user)
            few = count()
            for i in range(5):
                make_lesson(title=f"Mehr {i}", project=self.project, created_by=self.staff, authors=[self.staff])
            self.assertEqual(few, count())


class EmptyStateTests(EnglishTestCase):
    def test_a_stopped_project_without_anything_says_so_once(self) -> None:
        project = make_project(status=Project.Status.STOPPED, status_reason=REASON)
        page = self.client.get(project.get_absolute_url())
        self.assertContains(page, "No milestones, key figures or progress log entries were recorded for this project.")
        for old in ("No milestones yet.", "No key figures yet.", "Nothing logged yet."):
            self.assertNotContains(page, old)

    def test_members_are_told_what_each_part_is_for(self) -> None:
        project = make_project(status=Project.Status.IN_IMPLEMENTATION)
        self.login(self.team)
        page = self.client.get(project.get_absolute_url())
        self.assertContains(page, "Stage goals with a due date and a definition of done")
        self.assertContains(page, "A key figure with a baseline and a target")
        self.assertContains(page, "A short, dated entry after each step")

    def test_open_milestones_of_a_stopped_project_read_not_reached(self) -> None:
        project = make_project(status=Project.Status.STOPPED, status_reason=REASON)
        project.milestones.create(title="Pilot", definition_of_done="x", due_on=date(2025, 3, 31))
        page = self.client.get(project.get_absolute_url())
        self.assertContains(page, "not reached (was due")
        self.assertNotContains(page, "overdue since")


class ApiTests(EnglishTestCase):
    def test_the_api_shows_the_reason_and_the_status_entry_of_the_log(self) -> None:
        project = make_project(status=Project.Status.IN_IMPLEMENTATION)
        self.login(self.team)
        self.client.post(
            reverse("projects:edit", args=[project.pk]), project_post(project, status="stopped", status_reason=REASON)
        )
        self.client.logout()
        self.assertEqual(self.client.get(f"/api/v1/projects/{project.pk}").json()["status_reason"], REASON)
        self.assertEqual(self.client.get("/api/v1/projects").json()["items"][0]["status_reason"], REASON)
        (entry,) = self.client.get(f"/api/v1/projects/{project.pk}/log").json()["items"]
        self.assertEqual((entry["status"], entry["light"], entry["happened"]), ("stopped", "", REASON))
