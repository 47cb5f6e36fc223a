"""The project list's filters live in `ProjectQuerySet.filter_by`: the page and the API give the same rows."""

from datetime import date

from django.urls import reverse

from accounts.models import ApiToken
from installation.testing import BaseTestCase
from projects.models import LogEntry, Milestone, Project


class ProjectFilterTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        running = Project.Status.IN_IMPLEMENTATION
        green = Project.objects.create(title="Im Plan", status=running, unit=self.unit)
        Project.objects.filter(pk=green.pk).update(last_traffic_light=LogEntry.Light.GREEN)
        green.fields_of_action.add(self.field)
        late = Project.objects.create(title="Verspätet", status=running, visibility=Project.Visibility.INTERNAL)
        Project.objects.filter(pk=late.pk).update(last_traffic_light=LogEntry.Light.GREEN)
        Milestone.objects.create(project=late, title="M", definition_of_done="x", due_on=date(2020, 1, 1))
        Project.objects.create(title="Geplant", unit=self.unit)
        Project.objects.create(title="Abgeschlossen", status=Project.Status.COMPLETED)
        _, key = ApiToken.issue(user=self.staff, name="t")
        self.auth = {"Authorization": f"Bearer {key}"}

    def test_the_page_and_the_api_give_the_same_rows_for_the_same_filters(self) -> None:
        self.login(self.staff)
        for filters in (
            {},
            {"status": "planned"},
            {"track": "running"},
            {"track": "on_track"},
            {"track": "not_on_track"},
            {"unit": self.unit.pk},
            {"field": self.field.pk},
            {"track": "running", "unit": self.unit.pk},
        ):
            with self.subTest(filters):
                page = self.client.get(reverse("projects:list"), filters).context["page"]
                api = {"field_of_action" if key == "field" else key: value for key, value in filters.items()}
                items = self.client.get("/api/v1/projects", api, headers=self.auth).json()["items"]
                self.assertEqual([project.pk for project in page], [item["id"] for item in items])
                self.assertTrue(items or filters)

    def test_the_queryset_filters_by_track_and_text(self) -> None:
        projects = Project.objects.all()
        self.assertEqual([p.title for p in projects.filter_by(track="on_track")], ["Im Plan"])
        self.assertEqual([p.title for p in projects.filter_by(track="not_on_track")], ["Verspätet"])
        self.assertEqual([p.title for p in projects.filter_by(q="plan").sorted_by("title")], ["Geplant", "Im Plan"])
        self.assertEqual(list(projects.sorted_by("kaputt")), list(projects.sorted_by("title")))
