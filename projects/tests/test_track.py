"""One definition of "running" and "on track" (projects.models), the same on every page and in the API."""

import re
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from installation.testing import BaseTestCase
from projects.models import LogEntry, Milestone, Project
from projects.tests.test_projects import make_project

P, L = Project.Status, LogEntry.Light
RUNNING_DE = "Laufend: begonnen und weder abgeschlossen noch eingestellt oder ausgesetzt"
ON_TRACK_DE = (
    "Im Plan: laufend, die jüngste Ampel im Projekttagebuch steht auf Grün und kein Etappenziel ist überfällig."
)
ON_TRACK_EN = "On track: running, the latest traffic light in the progress log is green and no milestone is overdue."


class TrackTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        yesterday = timezone.localdate() - timedelta(days=1)
        # title: (status, latest traffic light, a milestone overdue?)
        cls.cases = {
            "Grün": (P.IN_IMPLEMENTATION, L.GREEN, False),
            "Grün im Abschluss": (P.FINALISING, L.GREEN, False),
            "Grün, aber überfällig": (P.IN_IMPLEMENTATION, L.GREEN, True),
            "Gelb": (P.IN_IMPLEMENTATION, L.YELLOW, False),
            "Rot": (P.FINALISING, L.RED, False),
            "Ohne Eintrag": (P.IN_IMPLEMENTATION, "", False),
            "Geplant und grün": (P.PLANNED, L.GREEN, False),
            "Abgeschlossen und grün": (P.COMPLETED, L.GREEN, False),
            "Ausgesetzt und grün": (P.SUSPENDED, L.GREEN, False),
        }
        for title, (status, light, overdue) in cls.cases.items():
            project = make_project(title=title, status=status, last_traffic_light=light)
            if overdue:
                Milestone.objects.create(project=project, title="M", definition_of_done="x", due_on=yesterday)
        cls.running = {"Grün", "Grün im Abschluss", "Grün, aber überfällig", "Gelb", "Rot", "Ohne Eintrag"}
        cls.on_track = {"Grün", "Grün im Abschluss"}

    def test_the_queryset_and_the_single_project_rule_agree(self) -> None:
        self.assertEqual(set(Project.objects.running().values_list("title", flat=True)), self.running)
        self.assertEqual(set(Project.objects.on_track().values_list("title", flat=True)), self.on_track)
        self.assertEqual(Project.objects.track_counts(), (2, 6))
        tracks = {p.title: p.track for p in Project.objects.all()}
        self.assertEqual({t for t, track in tracks.items() if track == Project.Track.ON_TRACK}, self.on_track)
        self.assertEqual({t for t, track in tracks.items() if track is not None}, self.running)
        self.assertEqual(tracks["Grün, aber überfällig"], Project.Track.OVERDUE)
        self.assertEqual(tracks["Rot"], Project.Track.OFF_TRACK)
        self.assertEqual(tracks["Gelb"], Project.Track.AT_RISK)
        self.assertEqual(tracks["Ohne Eintrag"], Project.Track.UNRATED)
        annotated = {p.title: p.track for p in Project.objects.with_track()}
        self.assertEqual(annotated, tracks)

    def test_a_project_that_has_not_started_is_not_counted_as_running(self) -> None:
        response = self.client.get(reverse("core:home"))
        self.assertEqual((response.context["on_track"], response.context["active"]), (2, 6))
        self.assertContains(response, "der 6 laufenden Projekte im Plan")
        self.assertContains(response, "33 %")

    def test_the_list_marks_on_track_exactly_the_projects_the_start_page_counts(self) -> None:
        html = self.client.get(reverse("projects:list")).content.decode()
        items = re.findall(r'<li class="idea-list__item">(.*?)</li>', html, re.S)
        marked = {re.search(r'">([^<]+)</a></h2>', item).group(1) for item in items if "light--green" in item}
        self.assertEqual(marked, self.on_track)
        for item in items:
            title = re.search(r'">([^<]+)</a></h2>', item).group(1)
            if title in ("Geplant und grün", "Abgeschlossen und grün", "Ausgesetzt und grün"):
                self.assertNotIn("im Plan", item, title)  # a project that is not running has no assessment
        self.assertContains(self.client.get(reverse("projects:list")), "Etappenziel überfällig", count=1)

    def test_the_filter_lists_exactly_the_projects_a_figure_counts(self) -> None:
        for value, titles in (("running", self.running), ("on_track", self.on_track)):
            response = self.client.get(reverse("projects:list"), {"track": value})
            self.assertEqual({p.title for p in response.context["page"].object_list}, titles, value)
        response = self.client.get(reverse("projects:list"), {"track": "not_on_track"})
        self.assertEqual({p.title for p in response.context["page"].object_list}, self.running - self.on_track)
        roadmap = self.client.get(reverse("projects:roadmap"), {"track": "on_track"})
        self.assertEqual(roadmap.context["figure"].count, 2)
        self.assertContains(roadmap, ON_TRACK_DE)

    def test_the_definitions_are_shown_where_the_figures_are(self) -> None:
        self.strategy.adopted_on = date(2024, 3, 14)
        self.strategy.save()
        for url in (reverse("core:home"), reverse("projects:since"), reverse("projects:list")):
            response = self.client.get(url)
            self.assertContains(response, RUNNING_DE)
            self.assertContains(response, ON_TRACK_DE)
            self.assertContains(self.client.get(url, headers={"accept-language": "en"}), ON_TRACK_EN)
        since = self.client.get(reverse("projects:since"))
        self.assertEqual((since.context["on_track"], since.context["active"]), (2, 6))
        self.assertContains(since, f"{reverse('projects:list')}?track=on_track")

    def test_the_api_uses_the_same_definition(self) -> None:
        items = self.client.get("/api/v1/projects?page_size=50").json()["items"]
        self.assertEqual({p["title"] for p in items if p["running"]}, self.running)
        self.assertEqual({p["title"] for p in items if p["track"] == "on_track"}, self.on_track)
        self.assertEqual({p["title"]: p["track"] for p in items}["Geplant und grün"], None)
        filtered = self.client.get("/api/v1/projects?track=on_track").json()["items"]
        self.assertEqual({p["title"] for p in filtered}, self.on_track)
        detail = self.client.get(f"/api/v1/projects/{Project.objects.get(title='Rot').pk}").json()
        self.assertEqual((detail["running"], detail["track"]), (True, "off_track"))
        self.assertEqual(self.client.get("/api/v1/projects?track=kaputt").status_code, 422)

    def test_the_assessment_costs_no_query_per_project_in_the_list(self) -> None:
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(reverse("projects:list")).status_code, 200)
            return len(queries)

        few = count()
        for i in range(5):
            project = make_project(title=f"Mehr {i}", status=P.IN_IMPLEMENTATION, last_traffic_light=L.GREEN)
            Milestone.objects.create(project=project, title="M", definition_of_done="x", due_on=date(2020, 1, 1))
        self.assertEqual(count(), few)

    def test_since_adoption_counts_only_projects_completed_since_then(self) -> None:
        self.strategy.adopted_on = date(2024, 3, 14)
        self.strategy.save()
        make_project(title="Vorher fertig", status=P.COMPLETED, actual_end=date(2023, 12, 1))
        make_project(title="Danach fertig", status=P.COMPLETED, actual_end=date(2025, 6, 30))
        make_project(title="Fertig ohne Datum", status=P.COMPLETED)
        response = self.client.get(reverse("projects:since"))
        # "Abgeschlossen und grün" (no end date), "Danach fertig" and "Fertig ohne Datum".
        self.assertEqual(response.context["completed"], 3)
