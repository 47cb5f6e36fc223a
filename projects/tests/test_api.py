from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from ideas.models import Moderation
from installation.testing import BaseTestCase, make_idea
from projects.models import Kpi, Milestone, Project


class ProjectApiTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.public = Project.objects.create(title="Öffentlich", planned_start=date(2025, 1, 1))
        self.internal = Project.objects.create(title="Intern", visibility=Project.Visibility.INTERNAL)
        _, key = ApiToken.issue(user=self.staff, name="t")
        self.auth = {"Authorization": f"Bearer {key}"}

    def test_public_projects_without_token_internal_with_one(self) -> None:
        self.assertEqual([p["title"] for p in self.client.get("/api/v1/projects").json()["items"]], ["Öffentlich"])
        titles = [p["title"] for p in self.client.get("/api/v1/projects", headers=self.auth).json()["items"]]
        self.assertEqual(titles, ["Intern", "Öffentlich"])
        self.assertEqual(self.client.get(f"/api/v1/projects/{self.internal.pk}").status_code, 404)
        self.assertEqual(self.client.get("/api/v1/projects?status=kaputt").status_code, 422)

    def test_detail_names_only_linked_ideas_and_projects_the_reader_may_see(self) -> None:
        published = make_idea(title="Veröffentlicht")
        pending = make_idea(title="Wartet auf Moderation", moderation=Moderation.PENDING)
        self.public.ideas.add(published, pending)
        self.public.depends_on.add(self.internal)
        data = self.client.get(f"/api/v1/projects/{self.public.pk}").json()
        self.assertEqual((data["idea_ids"], data["depends_on_ids"]), ([published.pk], []))
        data = self.client.get(f"/api/v1/projects/{self.public.pk}", headers=self.auth).json()
        self.assertEqual(data["depends_on_ids"], [self.internal.pk])
        self.assertEqual(data["idea_ids"], [published.pk])  # staff see published ideas and their own

    def test_detail_has_milestones_and_kpis(self) -> None:
        Milestone.objects.create(project=self.public, title="M", definition_of_done="x", due_on=date(2025, 3, 1))
        kpi = Kpi.objects.create(project=self.public, name="K", target=10)
        kpi.measurements.create(measured_on=date(2025, 2, 1), value=3)
        data = self.client.get(f"/api/v1/projects/{self.public.pk}").json()
        self.assertEqual(data["milestones"][0]["title"], "M")
        self.assertEqual(data["kpis"][0]["measurements"][0]["value"], "3.00")

    def test_members_write_the_log_and_milestones_others_get_403(self) -> None:
        url = f"/api/v1/projects/{self.public.pk}/log"
        self.assertEqual(
            self.client.post(url, {"happened": "x"}, content_type="application/json", headers=self.auth).status_code,
            403,
        )
        self.public.members.add(self.staff)
        response = self.client.post(
            url, {"happened": "Pilot läuft", "light": "yellow"}, content_type="application/json", headers=self.auth
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.public.refresh_from_db()
        self.assertEqual(self.public.last_traffic_light, "yellow")
        self.assertEqual(self.client.post(url, {"happened": "x"}, content_type="application/json").status_code, 401)

    def test_milestone_conflicts_and_bad_dates(self) -> None:
        self.public.members.add(self.staff)
        created = self.client.post(
            f"/api/v1/projects/{self.public.pk}/milestones",
            {"title": "Start", "definition_of_done": "live", "due_on": "2025-06-01"},
            content_type="application/json",
            headers=self.auth,
        ).json()
        url = f"/api/v1/milestones/{created['id']}"
        ok = self.client.patch(
            url, {"version": 1, "done_on": "2025-05-20"}, content_type="application/json", headers=self.auth
        )
        self.assertEqual(ok.status_code, 200)
        stale = self.client.patch(
            url, {"version": 1, "title": "Anders"}, content_type="application/json", headers=self.auth
        )
        self.assertEqual(stale.status_code, 409)
        self.assertTrue(stale.json()["message"])
        early = self.client.patch(
            url, {"version": 2, "done_on": "2024-01-01"}, content_type="application/json", headers=self.auth
        )
        self.assertEqual(early.status_code, 422)
        self.assertIn("01.01.2024", early.json()["message"])  # names the done date it refuses
        self.public.refresh_from_db()
        self.assertEqual(self.public.progress, 100)
        too_early = self.client.post(
            f"/api/v1/projects/{self.public.pk}/milestones",
            {"title": "Vorab", "definition_of_done": "x", "due_on": "2025-06-01", "done_on": "2024-12-31"},
            content_type="application/json",
            headers=self.auth,
        )
        self.assertEqual(too_early.status_code, 422)
        self.assertFalse(Milestone.objects.filter(title="Vorab").exists())

    def test_token_writes_are_in_the_audit_trail_with_the_tokens_owner(self) -> None:
        from auditlog.models import LogEntry as AuditEntry

        self.public.members.add(self.staff)
        kpi = Kpi.objects.create(project=self.public, name="K", target=10)
        post = {"content_type": "application/json", "headers": self.auth}
        self.client.post(f"/api/v1/projects/{self.public.pk}/log", {"happened": "Pilot"}, **post)
        created = self.client.post(
            f"/api/v1/projects/{self.public.pk}/milestones",
            {"title": "Start", "definition_of_done": "live", "due_on": "2025-06-01"},
            **post,
        ).json()
        self.client.patch(f"/api/v1/milestones/{created['id']}", {"version": 1, "title": "Los"}, **post)
        self.client.post(f"/api/v1/kpis/{kpi.pk}/measurements", {"measured_on": "2025-02-01", "value": 4}, **post)
        for model in ("logentry", "milestone", "measurement"):
            entries = AuditEntry.objects.filter(content_type__app_label="projects", content_type__model=model)
            self.assertTrue(entries.exists(), model)
            self.assertEqual(set(entries.values_list("actor", flat=True)), {self.staff.pk}, model)
        self.assertEqual(AuditEntry.objects.filter(content_type__model="milestone").count(), 2)

    def test_list_queries_do_not_grow(self) -> None:
        counts = []
        for extra in (0, 15):
            for i in range(extra):
                Project.objects.create(title=f"P{i}").fields_of_action.add(self.field)
            with CaptureQueriesContext(connection) as queries:
                self.client.get("/api/v1/projects?limit=50")
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
