from datetime import date, timedelta

from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from ideas.models import Idea
from installation.testing import BaseTestCase, make_idea
from projects.models import Decision, LogEntry, Milestone, Project
from projects.services import ConflictError, ProjectError, check_dependencies, decide, save_versioned


def make_project(**overrides) -> Project:
    overrides.setdefault("title", "Digitale Zeiterfassung")
    overrides.setdefault("planned_start", date(2025, 1, 1))
    overrides.setdefault("planned_end", date(2026, 6, 30))
    return Project.objects.create(**overrides)


def project_post(project: Project | None = None, **overrides) -> dict:
    data = {
        "title": "Digitale Zeiterfassung",
        "status": "planned",
        "visibility": "public",
        "progress_mode": "milestones",
        "planned_start": "2025-01-01",
        "planned_end": "2026-06-30",
    }
    if project is not None:
        data["version"] = project.version
    data.update(overrides)
    return data


class EnglishTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


class ProjectEditingTests(EnglishTestCase):
    def test_team_creates_a_project(self) -> None:
        self.login(self.team)
        response = self.client.post(reverse("projects:create"), project_post(fields_of_action=[self.field.pk]))
        project = Project.objects.get()
        self.assertRedirects(response, project.get_absolute_url())
        self.assertEqual(list(project.fields_of_action.all()), [self.field])

    def test_end_before_start_and_manual_progress_without_reason_are_refused(self) -> None:
        self.login(self.team)
        response = self.client.post(reverse("projects:create"), project_post(planned_end="2024-01-01"))
        self.assertContains(response, "cannot be before the planned start")
        response = self.client.post(
            reverse("projects:create"), project_post(progress_mode="manual", manual_progress="40")
        )
        self.assertContains(response, "needs a justification")
        self.assertFalse(Project.objects.exists())

    def test_a_second_concurrent_save_gets_a_conflict_and_overwrites_nothing(self) -> None:
        project = make_project()
        self.login(self.team)
        url = reverse("projects:edit", args=[project.pk])
        stale = project_post(project, title="Erste Fassung")
        also_stale = project_post(project, title="Zweite Fassung")
        self.assertEqual(self.client.post(url, stale).status_code, 302)
        response = self.client.post(url, also_stale)
        self.assertContains(response, "Someone else saved this project")
        project.refresh_from_db()
        self.assertEqual((project.title, project.version), ("Erste Fassung", 2))

    def test_versioned_save_in_the_service(self) -> None:
        project = make_project()
        first, second = Project.objects.get(pk=project.pk), Project.objects.get(pk=project.pk)
        first.title = "A"
        save_versioned(first, expected_version=1)
        second.title = "B"
        with self.assertRaises(ConflictError):
            save_versioned(second, expected_version=1)
        self.assertEqual(Project.objects.get(pk=project.pk).title, "A")

    def test_circular_dependencies_are_refused(self) -> None:
        a, b, c = make_project(title="A"), make_project(title="B"), make_project(title="C")
        a.depends_on.add(b)
        b.depends_on.add(c)
        with translation.override("en"), self.assertRaisesMessage(ProjectError, "circle"):
            check_dependencies(c, [a])
        with translation.override("en"), self.assertRaisesMessage(ProjectError, "itself"):
            check_dependencies(a, [a])
        check_dependencies(a, [c])  # a → b → c and a → c is fine
        self.login(self.team)
        response = self.client.post(
            reverse("projects:edit", args=[c.pk]), project_post(c, title="C", depends_on=[a.pk])
        )
        self.assertContains(response, "circle")
        self.assertFalse(c.depends_on.exists())

    def test_only_team_and_lead_edit_members_work(self) -> None:
        project = make_project(lead=self.lead)
        project.members.add(self.staff)
        url = reverse("projects:edit", args=[project.pk])
        self.login(self.lead)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.login(self.staff)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.get(reverse("projects:log_create", args=[project.pk])).status_code, 200)
        self.login(self.council)
        self.assertEqual(self.client.get(reverse("projects:log_create", args=[project.pk])).status_code, 403)

    def test_internal_projects_are_invisible_to_the_public(self) -> None:
        internal = make_project(title="Geheim", visibility=Project.Visibility.INTERNAL)
        self.assertEqual(self.client.get(internal.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get(reverse("projects:list")), "Geheim")
        self.assertNotContains(self.client.get(reverse("projects:roadmap")), "Geheim")
        self.login(self.staff)
        self.assertContains(self.client.get(reverse("projects:list")), "Geheim")


class DecisionTests(EnglishTestCase):
    def test_ideas_become_a_project_and_follow_it(self) -> None:
        first = make_idea(title="Zeiterfassung digital", status=Idea.Status.IN_POOL, field_of_action=self.field)
        second = make_idea(title="Stundenzettel abschaffen", status=Idea.Status.IN_POOL)
        self.login(self.team)
        form = self.client.get(reverse("projects:decide") + f"?idea={first.pk}")
        self.assertContains(form, "Zeiterfassung digital")
        response = self.client.post(
            reverse("projects:decide"),
            {
                "ideas": [first.pk, second.pk],
                "title": "Digitale Zeiterfassung",
                "visibility": "public",
                "decision-decided_on": "2025-01-10",
                "decision-body": "Lenkungskreis",
                "decision-reference": "LK-2025-01",
            },
        )
        project = Project.objects.get()
        self.assertRedirects(response, project.get_absolute_url())
        self.assertEqual(set(project.ideas.all()), {first, second})
        self.assertEqual(Decision.objects.get().reference, "LK-2025-01")
        self.assertEqual(list(project.fields_of_action.all()), [self.field])
        first.refresh_from_db()
        self.assertEqual(first.status, Idea.Status.PRIORITISED)
        self.assertIn("Digitale Zeiterfassung", first.status_changes.last().reason)

        edit = reverse("projects:edit", args=[project.pk])
        self.client.post(edit, project_post(project, status="in_implementation"))
        first.refresh_from_db()
        self.assertEqual(first.status, Idea.Status.IN_IMPLEMENTATION)
        project.refresh_from_db()
        self.client.post(edit, project_post(project, status="completed"))
        first.refresh_from_db()
        self.assertEqual(first.status, Idea.Status.REALISED)

    def test_an_idea_walked_two_steps_tells_its_author_once_per_move_after_the_commit(self) -> None:
        idea = make_idea(title="Zeiterfassung digital", status=Idea.Status.IN_REVIEW, author=self.citizen)
        mail.outbox.clear()
        self.login(self.team)
        decision = {"title": "Digitale Zeiterfassung", "visibility": "public", "decision-body": "Rat"}
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("projects:decide"), {"ideas": [idea.pk], "decision-decided_on": "2025-01-10", **decision}
            )
            self.assertEqual(mail.outbox, [])  # nothing before the commit
        steps = list(idea.status_changes.values_list("from_status", "to_status"))
        self.assertEqual(steps, [("in_review", "in_pool"), ("in_pool", "prioritised")])
        [message] = mail.outbox
        self.assertEqual(message.to, ["citizen@example.org"])
        self.assertIn("lautet jetzt: priorisiert.", message.body)

        mail.outbox.clear()
        project = Project.objects.get()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("projects:edit", args=[project.pk]), project_post(project, status="completed"))
            self.assertEqual(mail.outbox, [])
        steps = list(idea.status_changes.values_list("to_status", flat=True))
        self.assertEqual(steps[2:], ["in_implementation", "realised"])
        [message] = mail.outbox
        self.assertIn("lautet jetzt: umgesetzt.", message.body)

    def test_a_decision_that_is_rolled_back_tells_nobody(self) -> None:
        idea = make_idea(status=Idea.Status.IN_REVIEW, author=self.citizen)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(RuntimeError), transaction.atomic():
            decision = Decision(decided_on=date(2025, 1, 10), body="Rat")
            decide(project=Project(title="X"), decision=decision, ideas=[idea], by=self.team)
            raise RuntimeError("undone")
        self.assertEqual(mail.outbox, [])
        self.assertFalse(idea.status_changes.exists())

    def test_declined_ideas_cannot_become_projects(self) -> None:
        declined = make_idea(status=Idea.Status.DECLINED)
        self.login(self.team)
        response = self.client.post(
            reverse("projects:decide"),
            {
                "ideas": [declined.pk],
                "title": "X",
                "visibility": "public",
                "decision-decided_on": "2025-01-10",
                "decision-body": "Rat",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Project.objects.exists())


class MilestoneTests(EnglishTestCase):
    def test_progress_follows_weighted_milestones(self) -> None:
        project = make_project()
        self.login(self.team)
        url = reverse("projects:milestone_create", args=[project.pk])
        self.client.post(
            url,
            {
                "title": "Vertrag",
                "definition_of_done": "unterschrieben",
                "due_on": "2025-03-01",
                "done_on": "2025-02-20",
                "weight": "3",
            },
        )
        self.client.post(url, {"title": "Start", "definition_of_done": "live", "due_on": "2025-09-01", "weight": "1"})
        project.refresh_from_db()
        self.assertEqual((project.progress, project.milestones_done, project.milestones_total), (75, 1, 2))
        milestone = Milestone.objects.get(title="Start")
        self.client.post(reverse("projects:milestone_delete", args=[milestone.pk]))
        project.refresh_from_db()
        self.assertEqual(project.progress, 100)

    def test_done_before_the_start_and_weight_out_of_range_are_refused(self) -> None:
        project = make_project()
        self.login(self.team)
        url = reverse("projects:milestone_create", args=[project.pk])
        response = self.client.post(
            url,
            {"title": "X", "definition_of_done": "y", "due_on": "2025-03-01", "done_on": "2024-01-01", "weight": "1"},
        )
        self.assertContains(response, "cannot be done before the project started")
        response = self.client.post(
            url, {"title": "X", "definition_of_done": "y", "due_on": "2025-03-01", "weight": "11"}
        )
        self.assertContains(response, "less than or equal to 10")
        self.assertFalse(Milestone.objects.exists())

    def test_moving_the_start_after_a_reached_milestone_is_refused(self) -> None:
        project = make_project()
        Milestone.objects.create(
            project=project,
            title="Ausschreibung",
            definition_of_done="x",
            due_on=date(2025, 3, 1),
            done_on=date(2025, 2, 1),
        )
        self.login(self.team)
        url = reverse("projects:edit", args=[project.pk])
        response = self.client.post(url, project_post(project, planned_start="2025-03-01"))
        self.assertContains(
            response, "“Ausschreibung” was reached on 01.02.2025, before the project started (01.03.2025)"
        )
        project.refresh_from_db()
        self.assertEqual((project.planned_start, project.version), (date(2025, 1, 1), 1))
        self.assertEqual(self.client.post(url, project_post(project, planned_start="2025-02-01")).status_code, 302)

    def test_concurrent_milestone_edits_conflict(self) -> None:
        project = make_project()
        milestone = Milestone.objects.create(
            project=project, title="A", definition_of_done="x", due_on=date(2025, 5, 1)
        )
        self.login(self.team)
        url = reverse("projects:milestone_edit", args=[milestone.pk])
        data = {"definition_of_done": "x", "due_on": "2025-05-01", "weight": "1", "version": "1"}
        self.client.post(url, {**data, "title": "B"})
        response = self.client.post(url, {**data, "title": "C"})
        self.assertContains(response, "Someone else saved this milestone")
        milestone.refresh_from_db()
        self.assertEqual(milestone.title, "B")


class LogAndKpiTests(EnglishTestCase):
    def test_log_entry_sets_the_traffic_light(self) -> None:
        project = make_project()
        project.members.add(self.staff)
        self.login(self.staff)
        self.client.post(
            reverse("projects:log_create", args=[project.pk]),
            {"entry_date": "2025-06-01", "light": "red", "happened": "Lieferverzug <b>Terminals</b>"},
        )
        project.refresh_from_db()
        self.assertEqual(project.last_traffic_light, "red")
        self.assertEqual(LogEntry.objects.get().author, self.staff)
        page = self.client.get(project.get_absolute_url())
        self.assertContains(page, "Lieferverzug &lt;b&gt;Terminals&lt;/b&gt;")

    def test_kpi_chart_and_one_value_per_day(self) -> None:
        project = make_project()
        self.login(self.team)
        self.client.post(
            reverse("projects:kpi_create", args=[project.pk]), {"name": "Nutzende", "baseline": "0", "target": "100"}
        )
        kpi = project.kpis.get()
        url = reverse("projects:measurement_create", args=[kpi.pk])
        self.client.post(url, {"measured_on": "2025-01-31", "value": "10"})
        self.client.post(url, {"measured_on": "2025-02-28", "value": "30"})
        response = self.client.post(url, {"measured_on": "2025-02-28", "value": "31"})
        self.assertContains(response, "already a value for this day")
        page = self.client.get(project.get_absolute_url())
        self.assertContains(page, 'class="kpi-line"')
        self.assertEqual(kpi.measurements.count(), 2)


class OverviewTests(EnglishTestCase):
    def _projects(self, count: int, offset: int = 0) -> None:
        today = timezone.localdate()
        for i in range(count):
            project = make_project(
                title=f"P{offset + i}", unit=self.unit, last_traffic_light="green" if i % 2 else "red"
            )
            project.fields_of_action.add(self.field)
            Milestone.objects.create(
                project=project,
                title="M1",
                definition_of_done="x",
                due_on=today - timedelta(days=40),
                done_on=today - timedelta(days=50),
            )
            Milestone.objects.create(
                project=project, title="M2", definition_of_done="x", due_on=today - timedelta(days=1)
            )

    def test_pages_need_the_same_number_of_queries_for_more_projects(self) -> None:
        self.strategy.adopted_on = date(2024, 3, 14)
        self.strategy.save()
        self.login(self.staff)
        urls = [
            reverse("projects:list"),
            reverse("projects:roadmap"),
            reverse("projects:since"),
            reverse("projects:mine"),
        ]
        counts = []
        for total, offset in ((2, 0), (12, 100)):
            self._projects(total, offset)
            row = []
            for url in urls:
                with CaptureQueriesContext(connection) as queries:
                    self.assertEqual(self.client.get(url).status_code, 200, url)
                row.append(len(queries))
            counts.append(row)
        self.assertEqual(counts[0], counts[1])

    def test_the_project_page_needs_the_same_queries_with_more_of_everything(self) -> None:
        from installation.testing import make_user

        project = make_project(title="Viel drin")

        def add(count: int) -> None:
            for i in range(count):
                Milestone.objects.create(project=project, title="M", definition_of_done="x", due_on=date(2026, 1, 1))
                LogEntry.objects.create(project=project, happened="x")
                kpi = project.kpis.create(name=f"K{i}", target=10)
                kpi.measurements.create(measured_on=date(2025, 1, 1), value=i)
                kpi.measurements.create(measured_on=date(2025, 2, 1), value=i + 1)
                idea = make_idea(status=Idea.Status.PRIORITISED)
                project.ideas.add(idea)
                Decision.objects.create(project=project, decided_on=date(2025, 1, 1), body="Rat").ideas.add(idea)
                project.depends_on.add(make_project(title=f"Vorher {i}"))
                make_project(title=f"Nachher {i}").depends_on.add(project)
                project.members.add(make_user())

        def count(persona) -> int:
            if persona is None:
                self.client.logout()
            else:
                self.login(persona)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(project.get_absolute_url()).status_code, 200)
            return len(queries)

        personas = (None, self.staff, self.team)
        add(1)
        few = [count(persona) for persona in personas]
        add(10)
        self.assertEqual(few, [count(persona) for persona in personas])

    def test_since_adoption_counts_reached_milestones_and_projects_on_track(self) -> None:
        self.strategy.adopted_on = date(2024, 3, 14)
        self.strategy.save()
        today = timezone.localdate()
        on_track = make_project(title="Gut", status=Project.Status.IN_IMPLEMENTATION, last_traffic_light="green")
        make_project(title="Rot", status=Project.Status.IN_IMPLEMENTATION, last_traffic_light="red")
        late = make_project(title="Spät", status=Project.Status.IN_IMPLEMENTATION)
        Milestone.objects.create(project=late, title="M", definition_of_done="x", due_on=today - timedelta(days=3))
        Milestone.objects.create(project=on_track, title="M", definition_of_done="x", due_on=today, done_on=today)
        response = self.client.get(reverse("projects:since"))
        self.assertEqual((response.context["on_track"], response.context["active"]), (1, 3))
        self.assertEqual(response.context["reached"], 1)

    def test_roadmap_shows_lanes_and_milestones(self) -> None:
        self._projects(2)
        response = self.client.get(reverse("projects:roadmap"))
        self.assertContains(response, self.field.title)
        svg = response.content.decode()
        done = svg.split('class="roadmap-milestone roadmap-milestone--done"')[0].rsplit("<path", 1)[1]
        late = svg.split('class="roadmap-milestone roadmap-milestone--late"')[0].rsplit("<path", 1)[1]
        self.assertEqual((done.count("l6 6-6 6-6-6z"), late.count("l6 6-6 6-6-6z")), (2, 2))
        self.assertEqual(self.client.get(reverse("projects:roadmap") + "?status=completed").context["figure"].count, 0)


class RoadmapBuildTests(EnglishTestCase):
    def test_lanes_bars_and_diamonds_for_projects_in_two_fields_and_none(self) -> None:
        from installation.testing import make_field
        from projects.roadmap import build_roadmap

        second = make_field(strategy=self.strategy, title="Digitaler Arbeitsplatz <intern>", position=5)
        today = timezone.localdate()
        both = make_project(title="In zwei Feldern", actual_start=date(2025, 2, 1), planned_end=None)
        both.fields_of_action.add(self.field, second)
        Milestone.objects.create(
            project=both, title="A", definition_of_done="x", due_on=date(2025, 3, 1), done_on=date(2025, 3, 2)
        )
        Milestone.objects.create(project=both, title="B", definition_of_done="x", due_on=today + timedelta(days=9))
        make_project(title="Ohne Feld & Plan", planned_start=None, planned_end=None)
        with translation.override("en"):
            figure = build_roadmap(Project.objects.order_by("planned_start", "title"))
        self.assertEqual(figure.count, 2)
        svg = figure.svg
        self.assertEqual(svg.count(">In zwei Feldern</text>"), 2)  # once per lane
        self.assertIn("Digitaler Arbeitsplatz &lt;intern&gt;", svg)
        self.assertIn("Without a field of action", svg)
        self.assertIn("Ohne Feld &amp; Plan", svg)
        self.assertEqual(svg.count('class="roadmap-bar roadmap-bar--planned"'), 2)  # no dates, no bar
        done = svg.split('class="roadmap-milestone roadmap-milestone--done"')[0].rsplit("<path", 1)[1]
        self.assertEqual(done.count("z"), 2)  # its reached milestone in both lanes
        self.assertIn('class="roadmap-milestone roadmap-milestone--open"', svg)
        self.assertNotIn("@", svg)
        self.assertNotIn("roadmap-milestone--late", svg)
        self.assertIn('class="roadmap-today"', svg)
        with CaptureQueriesContext(connection) as queries:
            build_roadmap(Project.objects.all())
        self.assertEqual(len(queries), 4)

    def test_an_empty_selection(self) -> None:
        from projects.roadmap import build_roadmap

        figure = build_roadmap(Project.objects.none())
        self.assertEqual((figure.count, figure.svg.count("roadmap-year") > 0), (0, True))


class AuditTests(EnglishTestCase):
    def test_changes_to_projects_and_milestones_are_in_the_audit_trail(self) -> None:
        from auditlog.models import LogEntry as AuditEntry

        project = make_project()
        self.login(self.team)
        self.client.post(reverse("projects:edit", args=[project.pk]), project_post(project, title="Neu"))
        self.client.post(
            reverse("projects:milestone_create", args=[project.pk]),
            {"title": "M", "definition_of_done": "x", "due_on": "2025-05-01", "weight": "1"},
        )
        changes = AuditEntry.objects.filter(actor=self.team)
        self.assertTrue(changes.filter(object_repr="Neu").exists())
        self.assertTrue(changes.filter(content_type__model="milestone").exists())
        history = self.client.get(reverse("core:history", args=["project", project.pk]))
        self.assertContains(history, "Neu")


class IdeaPageTagTests(EnglishTestCase):
    def test_projects_of_lists_the_projects_an_idea_became_as_far_as_one_may_see_them(self) -> None:
        from django.template import Context, Template
        from django.test import RequestFactory

        idea = make_idea(title="Gute Idee")
        make_project(title="Öffentliches Projekt").ideas.add(idea)
        make_project(title="Internes Projekt", visibility=Project.Visibility.INTERNAL).ideas.add(idea)
        template = Template("{% load project_links %}{% projects_of idea %}")

        def render(user) -> str:
            request = RequestFactory().get("/")
            request.user = user
            return template.render(Context({"request": request, "idea": idea}))

        from django.contrib.auth.models import AnonymousUser

        public = render(AnonymousUser())
        self.assertIn("Öffentliches Projekt", public)
        self.assertNotIn("Internes Projekt", public)
        self.assertIn("Internes Projekt", render(self.staff))
        self.assertEqual(template.render(Context({"idea": make_idea()})).strip(), "")
        with CaptureQueriesContext(connection) as queries:
            render(self.staff)
        self.assertEqual(len(queries), 1)
