"""The demo shows the column's examples as projects: laptops and docking stations for every workplace
(with its Etappenziele, an honest log and a key figure that agree with each other) and digital
communication (issue 15)."""

from datetime import date

from django.test import TestCase

from installation.demo import ACCOUNTS, UNITS
from installation.testing import make_field, make_goal, make_strategy, make_unit, make_user
from learning.demo import extend_demo as load_demo_learning
from projects.demo import COMMUNICATION, LAPTOPS, load_demo_projects
from projects.models import LogEntry, Project


class DemoProjectsTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        # The demo's accounts, units and fields of action, without the rest of the demo (slow to load).
        for short_name, name, _parent, owns in UNITS:
            make_unit(short_name=short_name, name=name, is_strategy_team=owns)
        users = {a.email: make_user(email=a.email, role=a.role, full_name=a.name) for a in ACCOUNTS}
        strategy = make_strategy()
        fields = [make_field(strategy=strategy, position=position) for position in range(5)]
        make_goal(field=fields[1], title="Jeder Arbeitsplatz hat Laptop und Dockingstation")
        load_demo_projects(team=users["cdo@lindenfeld.example"], fields=fields, users=users)
        load_demo_learning(users=users)

    def test_the_laptop_project_has_its_stage_goals_log_and_key_figure(self):
        project = Project.objects.get(title=LAPTOPS)
        self.assertEqual(project.status, Project.Status.IN_IMPLEMENTATION)
        self.assertEqual((project.milestones_done, project.milestones_total), (5, 6))
        self.assertEqual(project.unit.short_name, "FB 1.2")
        self.assertEqual(
            list(project.goals.values_list("title", flat=True)), ["Jeder Arbeitsplatz hat Laptop und Dockingstation"]
        )
        self.assertTrue(project.decisions.filter(body="Rat der Stadt Lindenfeld").exists())
        # The log says what the milestones and the key figure say: 70 % in autumn 2025, 78 % now.
        entries = list(project.log_entries.order_by("entry_date"))
        self.assertEqual(entries[-1].light, LogEntry.Light.YELLOW)
        self.assertIn("78 %", entries[-1].happened)
        self.assertTrue(any(entry.light == LogEntry.Light.RED for entry in entries))
        kpi = project.kpis.get()
        last = kpi.measurements.order_by("measured_on").last()
        self.assertEqual((kpi.baseline, kpi.target, last.value), (40, 100, 78))
        self.assertLessEqual(max(entry.entry_date for entry in entries), date(2026, 12, 5))
        missed = project.milestones.get(title="Bauhof und Stadtbücherei ausgestattet")
        self.assertGreater(missed.done_on, missed.due_on)

    def test_desk_sharing_depends_on_the_laptops(self):
        desks = Project.objects.get(title="Desk Sharing im Rathaus II")
        self.assertEqual(list(desks.depends_on.values_list("title", flat=True)), [LAPTOPS])

    def test_digital_communication_is_completed_with_its_learning_offer(self):
        project = Project.objects.get(title=COMMUNICATION)
        self.assertEqual(project.status, Project.Status.COMPLETED)
        self.assertEqual(project.progress, 100)
        self.assertTrue(project.learning_units.filter(title="Videokonferenzen souverän leiten").exists())

    def test_the_public_project_page_shows_its_stage_goals(self):
        project = Project.objects.get(title=LAPTOPS)
        page = self.client.get(project.get_absolute_url())
        self.assertContains(page, "Laptops und Dockingstationen für alle Arbeitsplätze")
        self.assertContains(page, "Rathaus I ausgestattet")
        self.assertContains(page, "Alle Arbeitsplätze ausgestattet")


class DemoIdeasBehindProjectsTests(TestCase):
    """An idea that became a project has the status the workflow gives it, not "submitted"."""

    @classmethod
    def setUpTestData(cls) -> None:
        from installation.demo import load_demo

        load_demo()

    def test_each_idea_behind_a_project_follows_its_project(self) -> None:
        from ideas.models import Idea

        expected = {
            Project.Status.PLANNED: {Idea.Status.PRIORITISED},
            Project.Status.IN_IMPLEMENTATION: {Idea.Status.IN_IMPLEMENTATION},
            Project.Status.FINALISING: {Idea.Status.IN_IMPLEMENTATION},
            Project.Status.COMPLETED: {Idea.Status.REALISED},
        }
        checked = 0
        for project in Project.objects.prefetch_related("ideas").exclude(
            status__in=[Project.Status.STOPPED, Project.Status.SUSPENDED]
        ):
            for idea in project.ideas.all():
                self.assertIn(idea.status, expected[project.status], f"{idea.title} → {project.title}")
                # In time, too: the history ends at the status the idea has.
                last = idea.status_changes.order_by("changed_at", "pk").last()
                self.assertEqual(last.to_status if last else None, idea.status, idea.title)
                checked += 1
        self.assertGreaterEqual(checked, 5)

    def test_the_council_papers_idea_reads_well(self) -> None:
        from ideas.models import Idea

        idea = Idea.objects.get(title="Sitzungsunterlagen des Rates nur noch digital")
        self.assertEqual(idea.description, "Ratsmitglieder bekommen Tablets, der Papierversand entfällt.")
