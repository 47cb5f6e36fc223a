import io
from datetime import date

from auditlog.context import set_actor
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import ApiToken
from installation.testing import BaseTestCase
from lessons.models import Lesson
from lessons.testing import make_lesson
from projects.models import Kpi, LogEntry, Measurement, Milestone, Project
from projects.services import log_status_change
from reports.content import gather
from reports.models import CouncilReport

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def make_portfolio(field) -> dict:
    public = Project.objects.create(
        title="Online-Bürgerbüro", status=Project.Status.IN_IMPLEMENTATION, budget_planned=1000
    )
    public.fields_of_action.add(field)
    internal = Project.objects.create(
        title="Interne Aktenablage", visibility=Project.Visibility.INTERNAL, budget_planned=500, budget_spent=200
    )
    Milestone.objects.create(
        project=public,
        title="Termine online",
        definition_of_done="x",
        due_on=date(2025, 3, 1),
        done_on=date(2025, 2, 20),
    )
    Milestone.objects.create(project=public, title="Gebühren online", definition_of_done="x", due_on=date(2025, 6, 1))
    Milestone.objects.create(
        project=internal,
        title="Scanner beschafft",
        definition_of_done="x",
        due_on=date(2025, 4, 1),
        done_on=date(2025, 4, 2),
    )
    kpi = Kpi.objects.create(project=public, name="Online-Anträge", target=100)
    Measurement.objects.create(kpi=kpi, measured_on=date(2025, 5, 1), value=42)
    LogEntry.objects.create(project=public, happened="Pilot gestartet", entry_date=date(2025, 2, 1))
    LogEntry.objects.create(project=internal, happened="Geheimes Update", entry_date=date(2025, 2, 1))
    return {"public": public, "internal": internal}


class ContentTests(BaseTestCase):
    def test_the_report_counts_reached_and_missed_milestones_of_the_period(self) -> None:
        make_portfolio(self.field)
        content = gather(title="Bericht", start=date(2025, 1, 1), end=date(2025, 12, 31), include_internal=True)
        self.assertEqual([m.title for m in content.reached], ["Termine online", "Scanner beschafft"])
        self.assertEqual([m.title for m in content.missed], ["Gebühren online"])
        self.assertEqual(content.budget_planned, 1500)
        self.assertEqual(content.kpis[0].latest, 42)
        public_only = gather(title="Bericht", start=date(2025, 1, 1), end=date(2025, 12, 31), include_internal=False)
        self.assertEqual([p.title for p in public_only.projects], ["Online-Bürgerbüro"])
        self.assertNotIn("Scanner beschafft", [m.title for m in public_only.reached])

    def test_status_changes_come_from_the_audit_trail(self) -> None:
        project = Project.objects.create(title="Statuswechsel")
        with set_actor(self.team):
            project.status = Project.Status.STOPPED
            project.save()
        today = timezone.localdate(project.created_at)  # the report counts days in local time
        with translation.override("de"):
            content = gather(title="B", start=today, end=today, include_internal=True)
        self.assertEqual([(c.project, c.after) for c in content.status_changes], [("Statuswechsel", "eingestellt")])

    def test_a_period_without_activity_gives_an_honest_empty_report(self) -> None:
        make_portfolio(self.field)
        content = gather(title="Leer", start=date(2010, 1, 1), end=date(2010, 12, 31), include_internal=True)
        self.assertTrue(content.is_empty)

    def test_queries_do_not_grow_with_the_number_of_projects(self) -> None:
        make_portfolio(self.field)
        with CaptureQueriesContext(connection) as few:
            gather(title="B", start=date(2025, 1, 1), end=date(2025, 12, 31), include_internal=True)
        for i in range(20):
            project = Project.objects.create(title=f"P{i}")
            project.fields_of_action.add(self.field)
            Milestone.objects.create(
                project=project, title="M", definition_of_done="x", due_on=date(2025, 5, 1), done_on=date(2025, 5, 1)
            )
            Kpi.objects.create(project=project, name="K", target=1)
        with CaptureQueriesContext(connection) as many:
            gather(title="B", start=date(2025, 1, 1), end=date(2025, 12, 31), include_internal=True)
        self.assertEqual(len(few), len(many))


@override_settings(
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)
class ReportFlowTests(BaseTestCase):
    def request_report(self, **overrides):
        data = {
            "title": "Sachstandsbericht 2025",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "include_internal": "on",
        }
        data.update(overrides)
        return self.client.post(reverse("reports:list"), data, **EN)

    def test_the_strategy_team_requests_a_report_and_downloads_pdf_xlsx_and_csv(self) -> None:
        make_portfolio(self.field)
        make_lesson(title="Gescheiterter Chatbot", published_at="2025-06-01T10:00:00+00:00")
        self.login(self.team)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.request_report()
        report = CouncilReport.objects.get()
        self.assertRedirects(response, report.get_absolute_url())
        report.refresh_from_db()
        self.assertEqual((report.state, report.progress), ("done", 100), report.message)
        pdf = b"".join(self.client.get(reverse("reports:download", args=[report.pk, "pdf"])).streaming_content)
        self.assertTrue(pdf.startswith(b"%PDF"))
        xlsx = b"".join(self.client.get(reverse("reports:download", args=[report.pk, "xlsx"])).streaming_content)
        book = load_workbook(io.BytesIO(xlsx))
        self.assertEqual(
            book.sheetnames,
            [
                *("Summary", "Projects", "Fields of action", "Milestones", "Status changes", "Key figures"),
                "Lessons learned",
            ],
        )
        self.assertEqual(book["Projects"].max_row, 3)
        csv = b"".join(self.client.get(reverse("reports:download", args=[report.pk, "csv"])).streaming_content)
        self.assertIn("Online-Bürgerbüro", csv.decode("utf-8-sig"))
        detail = self.client.get(report.get_absolute_url(), **EN)
        self.assertContains(detail, "Download PDF")

    def test_progress_is_shown_and_polled_until_the_report_is_ready(self) -> None:
        report = CouncilReport.objects.create(
            title="Wartend", period_start=date(2025, 1, 1), period_end=date(2025, 2, 1), progress=35
        )
        self.login(self.council)
        response = self.client.get(report.get_absolute_url(), **EN)
        self.assertContains(response, 'hx-trigger="every 2s"')
        self.assertContains(response, 'value="35"')
        partial = self.client.get(report.get_absolute_url(), HTTP_HX_REQUEST="true", **EN)
        self.assertNotContains(partial, "<html")
        self.assertContains(partial, 'id="report-status"')
        self.assertEqual(self.client.get(reverse("reports:download", args=[report.pk, "pdf"])).status_code, 404)

    def test_an_end_before_the_start_is_refused_with_a_message(self) -> None:
        self.login(self.team)
        response = self.request_report(period_start="2025-12-31", period_end="2025-01-01")
        self.assertContains(response, "The end of the period lies before its start.")
        self.assertFalse(CouncilReport.objects.exists())

    def test_an_empty_period_is_reported_as_such(self) -> None:
        self.login(self.team)
        with self.captureOnCommitCallbacks(execute=True):
            self.request_report(period_start="2010-01-01", period_end="2010-12-31")
        report = CouncilReport.objects.get()
        self.assertEqual(report.state, "done")
        self.assertIn("nothing happened", self.client.get(report.get_absolute_url(), **EN).content.decode())

    def test_council_members_read_but_do_not_request(self) -> None:
        self.login(self.council)
        self.assertEqual(self.request_report().status_code, 403)
        self.assertFalse(CouncilReport.objects.exists())

    def test_the_api_requests_a_report_and_reports_its_downloads(self) -> None:
        _, raw = ApiToken.issue(user=self.team, name="t")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        payload = {"title": "API-Bericht", "period_start": "2025-01-01", "period_end": "2025-12-31"}
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/api/v1/reports", payload, content_type="application/json", **auth)
        self.assertEqual(response.status_code, 202, response.content)
        report_id = response.json()["id"]
        body = self.client.get(f"/api/v1/reports/{report_id}", **auth).json()
        self.assertEqual(body["state"], "done")
        self.assertEqual(set(body["downloads"]), {"pdf", "xlsx", "csv"})
        file = self.client.get(body["downloads"]["xlsx"], **auth)
        self.assertEqual(file.status_code, 200)
        bad = {**payload, "period_end": "2024-01-01"}
        self.assertEqual(
            self.client.post("/api/v1/reports", bad, content_type="application/json", **auth).status_code, 422
        )
        _, staff_raw = ApiToken.issue(user=self.staff, name="s")
        staff = {"HTTP_AUTHORIZATION": f"Bearer {staff_raw}"}
        self.assertEqual(
            self.client.post("/api/v1/reports", payload, content_type="application/json", **staff).status_code, 403
        )


class PublicSiteTests(BaseTestCase):
    def test_the_start_page_shows_progress_milestones_and_published_lessons_only(self) -> None:
        make_portfolio(self.field)
        make_lesson(title="Öffentlich gelernt", outcome=Lesson.Outcome.FAILED)
        make_lesson(title="Noch in Prüfung", state=Lesson.State.IN_REVIEW)
        response = self.client.get("/", **EN)
        self.assertContains(response, "Termine online")
        self.assertNotContains(response, "Scanner beschafft")  # internal project
        self.assertContains(response, "Öffentlich gelernt")
        self.assertNotContains(response, "Noch in Prüfung")
        self.assertContains(response, "failed")

    def test_the_start_page_query_count_does_not_grow_with_the_data(self) -> None:
        make_portfolio(self.field)
        with CaptureQueriesContext(connection) as few:
            self.client.get("/")
        for i in range(15):
            project = Project.objects.create(title=f"P{i}")
            project.fields_of_action.add(self.field)
            Milestone.objects.create(
                project=project, title="M", definition_of_done="x", due_on=date(2025, 5, 1), done_on=date(2025, 5, 1)
            )
            make_lesson(title=f"L{i}")
        with CaptureQueriesContext(connection) as many:
            self.client.get("/")
        self.assertEqual(len(few), len(many))

    def test_feeds_hold_public_projects_only(self) -> None:
        make_portfolio(self.field)
        updates = self.client.get(reverse("reports:feed_updates")).content.decode()
        self.assertIn("Pilot gestartet", updates)
        self.assertNotIn("Geheimes Update", updates)
        milestones = self.client.get(reverse("reports:feed_milestones")).content.decode()
        self.assertIn("Termine online", milestones)
        self.assertNotIn("Scanner beschafft", milestones)

    def test_a_status_change_in_the_updates_feed_names_the_new_status(self) -> None:
        project = Project.objects.create(title="Chatbot", status=Project.Status.STOPPED, status_reason="Zu teuer.")
        log_status_change(project=project, by=self.team, on=date(2025, 3, 31))
        updates = self.client.get(reverse("reports:feed_updates")).content.decode()
        self.assertIn("<title>Chatbot: Status geändert: eingestellt</title>", updates)
        self.assertIn("Zu teuer.", updates)
