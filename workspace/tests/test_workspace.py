from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from exchange.models import Follow as ExchangeFollow
from ideas.models import Follow, Moderation, Report, Support
from installation.testing import PASSWORD, BaseTestCase, make_comment, make_idea
from learning.testing import make_registration, make_session
from lessons.models import Lesson
from lessons.testing import make_lesson
from prioritisation.models import Score
from prioritisation.testing import make_round
from projects.models import Milestone, Project
from workspace.queries import rounds_to_score, waiting

TEAM_HEADINGS = [
    "Ideen, die auf Moderation warten",
    "Kommentare, die auf Moderation warten",
    "Zu prüfende Meldungen",
    "Erfahrungsberichte, die auf Prüfung warten",
]
STAFF_HEADINGS = [
    "Offene Bewertungen",
    "Überfällige Etappenziele",
    "Nächste Etappenziele",
    "Meine Erfahrungsberichte im Entwurf",
    "Meine Lerntermine",
]
CITIZEN_HEADINGS = [
    "Meine Ideen",
    "Ideen, die ich unterstütze",
    "Ideen, denen ich folge",
    "Kommunen und Themen, denen ich folge",
]


def _german(day) -> str:
    return f"{day:%d.%m.%Y}"


class WorkspaceTestCase(BaseTestCase):
    def make_moderation_work(self, number: int = 1) -> None:
        """Ideas and comments waiting for moderation and open reports, `number` of each."""
        for i in range(number):
            make_idea(title=f"Wartende Idee {i}", author=self.citizen, moderation=Moderation.PENDING)
            published = make_idea(title=f"Gemeldete Idee {i}")
            make_comment(idea=published, author=self.citizen, text=f"Wartender Kommentar {i}", moderation="pending")
            Report.objects.create(idea=published, reason=f"Beleidigend {i}", reporter=self.citizen)
            make_lesson(title=f"Bericht in Prüfung {i}", state=Lesson.State.IN_REVIEW, authors=[self.staff])

    def make_project_work(self, user, number: int = 1) -> Project:
        """A running project `user` leads, with `number` overdue and `number` upcoming stage goals."""
        today = timezone.localdate()
        project = Project.objects.create(title="Digitales Bürgerbüro", lead=user, status="in_implementation")
        for i in range(number):
            Milestone.objects.create(
                project=project, title=f"Altes Ziel {i}", definition_of_done="x", due_on=today - timedelta(days=3 + i)
            )
            Milestone.objects.create(
                project=project, title=f"Nahes Ziel {i}", definition_of_done="x", due_on=today + timedelta(days=5 + i)
            )
        return project


class PageTests(WorkspaceTestCase):
    def test_it_needs_a_login(self) -> None:
        response = self.client.get(reverse("workspace:home"))
        self.assertRedirects(response, reverse("accounts:login") + "?next=/workspace/")

    def test_the_team_sees_the_queues_and_its_own_work_but_not_the_citizens_lists(self) -> None:
        self.make_moderation_work()
        make_round(team=self.team, ideas=[make_idea(title="Bewertbare Idee")], assessors=[self.team], state="scoring")
        self.login(self.team)
        response = self.client.get(reverse("workspace:home"))
        for heading in TEAM_HEADINGS + STAFF_HEADINGS:
            self.assertContains(response, heading)
        for heading in CITIZEN_HEADINGS:
            self.assertNotContains(response, heading)
        self.assertContains(response, "Wartende Idee 0")
        self.assertContains(response, "Wartender Kommentar 0")
        self.assertContains(response, "Gemeldet: Beleidigend 0")
        self.assertContains(response, "Bericht in Prüfung 0")
        self.assertContains(response, "0 von 2 Bewertungen abgegeben")
        self.assertContains(response, f'href="{reverse("ideas:moderation")}#pending-ideas"')
        self.assertContains(response, f'href="{reverse("lessons:list")}?state=in_review"')

    def test_staff_see_their_projects_lessons_and_sessions_but_no_queues(self) -> None:
        self.make_moderation_work()
        project = self.make_project_work(self.staff)
        other = Project.objects.create(title="Fremdes Projekt", status="in_implementation")
        Milestone.objects.create(
            project=other, title="Fremdes Ziel", definition_of_done="x", due_on=timezone.localdate() - timedelta(days=1)
        )
        make_lesson(title="Mein Entwurf", state=Lesson.State.DRAFT, authors=[self.staff], created_by=self.staff)
        make_lesson(title="Fremder Entwurf", state=Lesson.State.DRAFT, created_by=self.lead)
        session = make_session(days=4)
        make_registration(session=session, user=self.staff)
        make_registration(session=make_session(days=-4), user=self.staff)
        self.login(self.staff)
        response = self.client.get(reverse("workspace:home"))
        for heading in STAFF_HEADINGS:
            self.assertContains(response, heading)
        for heading in TEAM_HEADINGS + CITIZEN_HEADINGS:
            self.assertNotContains(response, heading)
        self.assertNotContains(response, "Wartende Idee")
        self.assertContains(response, "Altes Ziel 0")
        self.assertContains(response, "Nahes Ziel 0")
        self.assertContains(response, f"fällig am {_german(timezone.localdate() + timedelta(days=5))}")
        overdue_since = _german(timezone.localdate() - timedelta(days=3))
        self.assertContains(response, f"überfällig seit {overdue_since}")
        self.assertNotContains(response, f"fällig am {overdue_since}")
        self.assertContains(response, project.get_absolute_url())
        self.assertNotContains(response, "Fremdes Ziel")
        self.assertContains(response, "Mein Entwurf")
        self.assertNotContains(response, "Fremder Entwurf")
        self.assertContains(response, session.unit.title)
        self.assertContains(response, session.get_absolute_url())
        self.assertContains(response, reverse("workspace:full_list", args=["sessions"]))

    def test_members_see_their_projects_stage_goals_too(self) -> None:
        project = self.make_project_work(self.lead)
        project.members.add(self.staff)
        self.login(self.staff)
        self.assertContains(self.client.get(reverse("workspace:home")), "Altes Ziel 0")

    def test_finished_projects_leave_the_list(self) -> None:
        project = self.make_project_work(self.staff)
        Project.objects.filter(pk=project.pk).update(status="completed")
        self.login(self.staff)
        response = self.client.get(reverse("workspace:home"))
        self.assertNotContains(response, "Altes Ziel 0")
        self.assertContains(response, "Kein Etappenziel Ihrer Projekte ist überfällig.")

    def test_citizens_see_their_ideas_supports_and_follows_but_no_work_of_the_administration(self) -> None:
        self.make_project_work(self.staff)
        mine = make_idea(title="Meine Bank im Park", author=self.citizen, moderation=Moderation.PENDING)
        backed = make_idea(title="Mehr Radwege")
        Support.objects.create(idea=backed, user=self.citizen)
        followed = make_idea(title="Offenes WLAN")
        Follow.objects.create(idea=followed, user=self.citizen)
        Follow.objects.create(idea=mine, user=self.citizen)
        ExchangeFollow.objects.create(user=self.citizen, ars="05766008", municipality="Detmold")
        ExchangeFollow.objects.create(user=self.citizen, topic="Chatbot")
        self.login(self.citizen)
        response = self.client.get(reverse("workspace:home"))
        for heading in CITIZEN_HEADINGS:
            self.assertContains(response, heading)
        for heading in TEAM_HEADINGS + STAFF_HEADINGS:
            self.assertNotContains(response, heading)
        self.assertContains(response, "Meine Bank im Park")
        self.assertContains(response, "eingereicht")  # the status badge
        self.assertContains(response, "wartet auf Moderation")
        self.assertContains(response, backed.get_absolute_url())
        self.assertContains(response, followed.get_absolute_url())
        self.assertContains(response, "Ideen, denen ich folge (1)")  # one's own idea is listed once
        self.assertContains(response, "Kommune: Detmold")
        self.assertContains(response, "Thema: Chatbot")
        self.assertNotContains(response, "Altes Ziel")

    def test_every_section_says_when_it_is_empty(self) -> None:
        expected = {
            self.team: [
                "Nichts zu moderieren.",
                "Keine offenen Meldungen.",
                "Kein Erfahrungsbericht wartet auf Prüfung.",
            ],
            self.staff: [
                "Keine Priorisierungsrunde wartet auf Ihre Bewertung.",
                "Kein Etappenziel Ihrer Projekte ist überfällig.",
                "In den kommenden Wochen ist kein Etappenziel Ihrer Projekte fällig.",
                "Sie haben keinen Erfahrungsbericht im Entwurf.",
                "Sie sind für keinen anstehenden Termin angemeldet.",
            ],
            self.citizen: [
                "Sie haben noch keine Idee eingereicht.",
                "Sie unterstützen noch keine Idee.",
                "Sie folgen noch keiner weiteren Idee.",
                "Sie folgen noch keiner anderen Kommune und keinem Thema.",
            ],
        }
        for user, texts in expected.items():
            self.login(user)
            response = self.client.get(reverse("workspace:home"))
            for text in texts:
                self.assertContains(response, text, msg_prefix=str(user))
            self.assertContains(response, "(0)")

    def test_it_shows_five_rows_per_section_and_counts_all(self) -> None:
        self.make_moderation_work(number=7)
        self.login(self.team)
        response = self.client.get(reverse("workspace:home"))
        self.assertContains(response, "Ideen, die auf Moderation warten (7)")
        self.assertContains(response, "Wartende Idee 6")  # newest first
        self.assertNotContains(response, "Wartende Idee 1<")
        self.assertEqual(response.content.decode().count("Wartende Idee"), 5)

    def test_it_is_in_german_and_english(self) -> None:
        self.login(self.staff)
        response = self.client.get(reverse("workspace:home"))
        self.assertContains(response, '<h1 class="kern-heading-x-large">Mein Arbeitsbereich</h1>')
        response = self.client.get(reverse("workspace:home"), headers={"accept-language": "en"})
        self.assertContains(response, '<h1 class="kern-heading-x-large">My workspace</h1>')
        self.assertContains(response, "No stage goal of your projects is overdue.")


class OpenScoringTests(WorkspaceTestCase):
    def test_a_round_leaves_the_list_once_every_idea_is_scored(self) -> None:
        priority_round = make_round(
            team=self.team, ideas=[make_idea(), make_idea()], assessors=[self.staff], state="scoring"
        )
        self.assertEqual([(r.done, r.expected) for r in rounds_to_score(self.staff)], [(0, 4)])
        for candidate in priority_round.candidates.all():
            for criterion in priority_round.criteria.all():
                Score.objects.create(candidate=candidate, round_criterion=criterion, assessor=self.staff, value=3)
                if list(rounds_to_score(self.staff)):
                    self.assertLess(rounds_to_score(self.staff).get().done, 4)
        self.assertEqual(list(rounds_to_score(self.staff)), [])

    def test_only_assessors_of_rounds_in_scoring_see_them(self) -> None:
        make_round(team=self.team, ideas=[make_idea()], assessors=[self.staff], state="draft")
        make_round(team=self.team, ideas=[make_idea()], assessors=[self.staff], state="closed")
        make_round(team=self.team, ideas=[make_idea()], assessors=[self.lead], state="scoring")
        self.assertEqual(list(rounds_to_score(self.staff)), [])
        self.assertEqual(len(rounds_to_score(self.lead)), 1)


class FullListTests(WorkspaceTestCase):
    def test_citizens_see_all_their_ideas(self) -> None:
        for i in range(7):
            make_idea(title=f"Bürgeridee {i}", author=self.citizen)
        make_idea(title="Fremde Idee", author=self.lead)
        self.login(self.citizen)
        response = self.client.get(reverse("workspace:full_list", args=["ideas"]))
        self.assertContains(response, '<h1 class="kern-heading-x-large">Meine Ideen</h1>', html=False)
        self.assertEqual(response.content.decode().count("Bürgeridee"), 7)
        self.assertNotContains(response, "Fremde Idee")

    def test_staff_see_all_their_sessions_and_nobody_a_list_that_is_not_theirs(self) -> None:
        make_registration(session=make_session(days=2), user=self.staff)
        self.login(self.staff)
        self.assertEqual(self.client.get(reverse("workspace:full_list", args=["sessions"])).status_code, 200)
        self.assertEqual(self.client.get(reverse("workspace:full_list", args=["ideas"])).status_code, 404)
        self.assertEqual(self.client.get(reverse("workspace:full_list", args=["unknown"])).status_code, 404)
        self.login(self.citizen)
        self.assertEqual(self.client.get(reverse("workspace:full_list", args=["sessions"])).status_code, 404)
        response = self.client.get(reverse("workspace:full_list", args=["supported"]))
        self.assertContains(response, "Sie unterstützen noch keine Idee.")


class LoginRedirectTests(BaseTestCase):
    def test_everyone_lands_on_the_workspace_after_login(self) -> None:
        for user in (self.citizen, self.staff, self.team):
            self.client.logout()
            response = self.client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
            self.assertRedirects(response, reverse("workspace:home"))

    def test_the_page_that_asked_for_the_login_wins(self) -> None:
        response = self.client.post(
            reverse("accounts:login") + "?next=/ideas/", {"username": self.staff.email, "password": PASSWORD}
        )
        self.assertRedirects(response, "/ideas/")

    def test_a_foreign_next_is_ignored(self) -> None:
        response = self.client.post(
            reverse("accounts:login") + "?next=https://evil.example/",
            {"username": self.staff.email, "password": PASSWORD},
        )
        self.assertRedirects(response, reverse("workspace:home"))


class BadgeTests(WorkspaceTestCase):
    def nav_item(self, user) -> str:
        self.login(user)
        content = self.client.get(reverse("strategy:detail")).content.decode()
        start = content.index('<nav class="site-nav"')
        return content[start : content.index("</li>", start)]

    def test_the_team_counts_the_queues_reviews_and_its_open_scorings(self) -> None:
        self.make_moderation_work(number=2)  # 2 ideas, 2 comments, 2 reports, 2 lessons
        make_round(team=self.team, ideas=[make_idea()], assessors=[self.team], state="scoring")
        self.assertEqual(waiting(self.team), 9)
        item = self.nav_item(self.team)
        self.assertIn("Mein Arbeitsbereich", item)
        self.assertIn('<span class="kern-label" aria-hidden="true">9</span>', item)
        self.assertIn("(9 Einträge warten auf Sie)", item)

    def test_staff_count_their_overdue_stage_goals(self) -> None:
        self.make_moderation_work()
        self.make_project_work(self.staff, number=2)  # 2 overdue, 2 upcoming
        self.assertEqual(waiting(self.staff), 2)
        self.assertIn("(2 Einträge warten auf Sie)", self.nav_item(self.staff))

    def test_nothing_waiting_shows_no_badge(self) -> None:
        self.make_moderation_work()
        for user in (self.citizen, self.lead):
            item = self.nav_item(user)
            self.assertIn("Mein Arbeitsbereich", item)
            self.assertNotIn("kern-badge", item)

    def test_visitors_see_no_workspace_link(self) -> None:
        self.login(None)
        self.assertNotContains(self.client.get(reverse("strategy:detail")), reverse("workspace:home"))

    def test_it_marks_the_workspace_as_the_current_page(self) -> None:
        self.login(self.citizen)
        response = self.client.get(reverse("workspace:home"))
        self.assertContains(response, f'<a href="{reverse("workspace:home")}" aria-current="page">')


class QueryCountTests(WorkspaceTestCase):
    def queries(self, user, url: str) -> int:
        self.login(user)
        self.client.get(url)  # the session and the municipality are read once
        with CaptureQueriesContext(connection) as context:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(context.captured_queries)

    def test_the_badge_costs_one_query_and_none_for_citizens(self) -> None:
        self.make_moderation_work()
        with self.assertNumQueries(1):
            waiting(self.team)
        with self.assertNumQueries(0):
            waiting(self.citizen)

    def test_the_badge_is_counted_once_per_request(self) -> None:
        self.make_moderation_work()
        self.login(self.team)
        with CaptureQueriesContext(connection) as context:
            self.client.get(reverse("strategy:detail"))
        self.assertEqual(sum('"ideas_report"' in query["sql"] for query in context.captured_queries), 1)
        with CaptureQueriesContext(connection) as context:
            self.client.get(reverse("workspace:home"))
        # the page's own count of every section serves the badge too
        self.assertEqual(sum("COUNT(DISTINCT" in query["sql"] for query in context.captured_queries), 1)

    def test_the_page_costs_the_same_for_few_and_many_rows(self) -> None:
        for user, build in (
            (self.team, lambda n: (self.make_moderation_work(n), self.make_project_work(self.team, n))),
            (self.staff, lambda n: self.make_project_work(self.staff, n)),
        ):
            build(1)
            for i in range(1):
                make_round(team=self.team, ideas=[make_idea()], assessors=[user], state="scoring")
                make_registration(session=make_session(days=3 + i), user=user)
                make_lesson(title="Entwurf", state=Lesson.State.DRAFT, created_by=user)
            few = self.queries(user, reverse("workspace:home"))
            build(8)
            for i in range(8):
                make_round(team=self.team, ideas=[make_idea()], assessors=[user], state="scoring")
                make_registration(session=make_session(days=3 + i), user=user)
                make_lesson(title="Entwurf", state=Lesson.State.DRAFT, created_by=user)
            self.login(user)
            with self.assertNumQueries(few):
                self.client.get(reverse("workspace:home"))

    def test_the_citizens_page_costs_the_same_for_few_and_many_rows(self) -> None:
        def build(number: int) -> None:
            for _ in range(number):
                make_idea(author=self.citizen)
                Support.objects.create(idea=make_idea(), user=self.citizen)
                Follow.objects.create(idea=make_idea(), user=self.citizen)
                ExchangeFollow.objects.create(user=self.citizen, topic=f"Thema {Support.objects.count()}")

        build(1)
        few = self.queries(self.citizen, reverse("workspace:home"))
        build(8)
        self.login(self.citizen)
        with self.assertNumQueries(few):
            self.client.get(reverse("workspace:home"))

    def test_a_page_of_the_frame_costs_the_same_with_few_and_many_waiting(self) -> None:
        self.make_moderation_work(1)
        few = self.queries(self.team, reverse("strategy:detail"))
        self.make_moderation_work(8)
        self.login(self.team)
        with self.assertNumQueries(few):
            self.client.get(reverse("strategy:detail"))
