"""Accessibility suite: axe-core's WCAG 2.1 A/AA rules in Debian's headless Chromium.

Also asserts that no page breaks its Content-Security-Policy and that no page requests
anything from another host. Needs /usr/bin/chromium (apt install chromium); without it the
suite is skipped with a notice, except under CI, where it fails.
"""

from django.urls import reverse

from accounts.models import User
from ideas.models import Idea
from installation.testing_browser import WCAG_TAGS, AxeTestCase
from projects.models import Project
from strategy.models import FieldOfAction, Goal, Strategy
from surveys.models import Survey


class AccessibilityTests(AxeTestCase):
    def test_public_pages(self) -> None:
        field = FieldOfAction.objects.first()
        self.audit(
            None,
            [
                "/",
                field.get_absolute_url(),
                reverse("accounts:login"),
                reverse("accounts:register"),
                reverse("ideas:list"),
                reverse("ideas:create"),
                Idea.objects.public().first().get_absolute_url(),
                reverse("ideas:report", args=["idea", Idea.objects.public().first().pk]),
                reverse("strategy:detail"),
                reverse("core:accessibility"),
                reverse("core:easy_language"),
            ],
        )

    def test_pages_of_the_strategy_team(self) -> None:
        field = FieldOfAction.objects.first()
        goal = Goal.objects.first()
        team = User.objects.get(email="cdo@lindenfeld.example")
        self.audit(
            team,
            [
                "/",
                field.get_absolute_url(),
                reverse("strategy:edit"),
                reverse("strategy:goal_edit", args=[goal.pk]),
                reverse("strategy:field_delete", args=[field.pk]),
                reverse("core:history", args=["strategy", Strategy.objects.current().pk]),
                reverse("core:audit_log"),
                reverse("ideas:moderation"),
                reverse("ideas:create"),
                Idea.objects.public().first().get_absolute_url(),
                reverse("ideas:status", args=[Idea.objects.public().first().pk]),
                reverse("ideas:merge", args=[Idea.objects.public().first().pk]),
                reverse("accounts:profile"),
                reverse("accounts:delete"),
                reverse("accounts:tokens"),
                reverse("accounts:organisation"),
            ],
        )

    def test_survey_pages(self) -> None:
        open_survey = Survey.objects.get(audience=Survey.Audience.OPEN)
        closed = Survey.objects.get(audience=Survey.Audience.INVITATION)
        self.audit(None, [reverse("surveys:list"), open_survey.get_absolute_url()])
        team = User.objects.get(email="cdo@lindenfeld.example")
        text = closed.questions.get(kind="text")
        self.audit(
            team,
            [
                reverse("surveys:manage", args=[closed.pk]),
                reverse("surveys:results", args=[closed.pk]),
                reverse("surveys:invitations", args=[closed.pk]),
                reverse("surveys:text_answers", args=[text.pk]),
                reverse("surveys:answer_idea", args=[text.answers.first().pk]),
                reverse("surveys:question_create", args=[open_survey.pk]),
                reverse("surveys:edit", args=[open_survey.pk]),
            ],
        )

    def test_project_pages(self) -> None:
        project = Project.objects.get(title__startswith="Nachbarschaftsplattform")
        pages = [
            reverse("projects:list"),
            reverse("projects:roadmap"),
            reverse("projects:since"),
            project.get_absolute_url(),
        ]
        self.audit(None, pages)
        team = User.objects.get(email="cdo@lindenfeld.example")
        self.audit(
            team,
            [
                *pages,
                reverse("projects:mine"),
                reverse("projects:edit", args=[project.pk]),
                reverse("projects:decide") + f"?idea={Idea.objects.filter(status='in_pool').first().pk}",
                reverse("projects:milestone_edit", args=[project.milestones.first().pk]),
                reverse("projects:log_create", args=[project.pk]),
            ],
        )

    def test_prioritisation_pages(self) -> None:
        from prioritisation.models import Criterion, PriorityRound
        from prioritisation.services import pool_ideas, round_add_candidates, round_save, round_start_scoring

        team = User.objects.get(email="cdo@lindenfeld.example")
        staff = User.objects.get(email="fachbereich@lindenfeld.example")
        closed = PriorityRound.objects.get(state=PriorityRound.State.CLOSED)
        rounds = []
        for title in ("Entwurf", "Bewertung"):
            rounds.append(
                round_save(
                    priority_round=PriorityRound(title=title),
                    assessors=[team, staff],
                    by=team,
                    criteria=Criterion.objects.filter(is_active=True),
                )
            )
        draft, scoring = rounds
        round_add_candidates(priority_round=scoring, ideas=pool_ideas())
        round_start_scoring(priority_round=scoring)
        weights = "&".join(f"w{c.pk}={c.weight if c.position else 0}" for c in closed.criteria.all())
        self.audit(
            team,
            [
                reverse("prioritisation:rounds"),
                reverse("prioritisation:criteria"),
                reverse("prioritisation:criterion_edit", args=[Criterion.objects.first().pk]),
                closed.get_absolute_url(),
                reverse("prioritisation:ranking", args=[closed.pk]),
                reverse("prioritisation:ranking", args=[closed.pk]) + "?whatif=1&" + weights,
                reverse("prioritisation:matrix", args=[closed.pk]),
                reverse("prioritisation:round_create"),
                draft.get_absolute_url(),
                reverse("prioritisation:round_weights", args=[draft.pk]),
                reverse("prioritisation:round_candidates", args=[draft.pk]),
                reverse("prioritisation:round_state", args=[draft.pk]),
            ],
        )
        self.audit(
            staff,
            [
                scoring.get_absolute_url(),
                reverse("prioritisation:scoring", args=[scoring.pk]),
                reverse("prioritisation:score_candidate", args=[scoring.candidates.first().pk]),
            ],
        )

    def test_pages_of_the_administrator(self) -> None:
        admin = User.objects.get(email="admin@lindenfeld.example")
        self.audit(admin, [reverse("municipality:configure") + "?q=Lippe"])

    def test_a_form_with_errors(self) -> None:
        team = User.objects.get(email="cdo@lindenfeld.example")
        for language in ("de", "en"):
            context = self.open_context(team, language)
            page = context.new_page()
            page.goto(self.live_server_url + reverse("strategy:glossary_create"))
            page.locator("main button[type=submit].kern-btn--primary").click()
            page.wait_for_load_state()
            self.assertTrue(page.locator("[aria-invalid=true]").count() >= 1)
            page.evaluate(self.axe_source)
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
            self.assertEqual([v["id"] for v in result["violations"]], [], language)
            context.close()

    def test_pages_of_going_live(self) -> None:
        """Issue 16: legal pages, the staff administration, notifications, what one follows and
        changing one's e-mail address."""
        from accounts.services import email_change_token
        from exchange.models import Follow as ExchangeFollow
        from ideas.models import Follow as IdeaFollow
        from notifications.models import Follow
        from notifications.services import unsubscribe_token

        citizen = User.objects.get(email="buergerin@lindenfeld.example")
        admin = User.objects.get(email="admin@lindenfeld.example")
        staff = User.objects.get(email="fachbereich@lindenfeld.example")
        IdeaFollow.objects.get_or_create(user=citizen, idea=Idea.objects.public().first())
        Follow.objects.create(user=citizen, project=Project.objects.public().first())
        ExchangeFollow.objects.create(user=citizen, topic="Chatbot")
        self.audit(
            None,
            [
                reverse("core:imprint"),
                reverse("core:privacy"),
                reverse("notifications:unsubscribe", args=[unsubscribe_token(citizen)]),
            ],
        )
        # The start page of every role: workspace/tests/test_accessibility.py.
        self.audit(staff, [reverse("notifications:list")])
        self.audit(
            citizen,
            [
                reverse("notifications:list"),
                reverse("notifications:following"),
                reverse("accounts:profile"),
                reverse("accounts:email_change"),
                reverse("accounts:email_change_confirm", args=[email_change_token(citizen, "neu@example.org")]),
            ],
        )
        self.audit(
            admin,
            [
                reverse("accounts:people"),
                reverse("accounts:person_invite"),
                reverse("accounts:person_edit", args=[staff.pk]),
                reverse("accounts:people_import"),
            ],
        )

    def test_the_checker_itself_finds_violations(self) -> None:
        """Guards the suite against passing because axe did not run."""
        context = self.browser.new_context()
        page = context.new_page()
        page.set_content('<html><body><img src="x.png"><button></button></body></html>')
        page.evaluate(self.axe_source)
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        self.assertTrue({"image-alt", "button-name", "html-has-lang"} <= {v["id"] for v in result["violations"]})
        context.close()
