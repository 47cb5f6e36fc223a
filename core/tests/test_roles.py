"""The authorisation matrix: every URL pattern of the platform, for every role.

A new URL pattern fails `test_every_url_pattern_has_an_expectation` until it is added to
`expectations()` here or, for newer apps, to `expectations(case)` in `<app>/tests/roles.py`,
so nothing slips in unchecked.
"""

import importlib

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import ApiToken
from core.audit import HISTORY_KINDS
from ideas.models import Moderation
from installation.testing import (
    ADMIN,
    ALL,
    INTERNAL,
    LOGGED_IN,
    TEAM,
    BaseTestCase,
    make_comment,
    make_idea,
    make_survey,
)
from participation.models import Stakeholder, Workshop
from prioritisation.testing import make_round
from projects.models import Kpi, Milestone, Project
from surveys.models import Answer, Invitation, Response, Survey


def app_matrices() -> list:
    """The `tests/roles.py` modules of the apps that keep their rows of the matrix themselves."""
    modules = []
    for config in apps.get_app_configs():
        try:
            modules.append(importlib.import_module(f"{config.name}.tests.roles"))
        except ModuleNotFoundError as error:
            if error.name not in (f"{config.name}.tests", f"{config.name}.tests.roles"):
                raise
    return modules


# Patterns that are not pages of their own: Django admin, the API (tested in */tests/test_*api*.py),
# language switching, e-mail confirmation links and logout (tested in accounts).
SKIPPED_NAMESPACES = {"admin", "api"}
SKIPPED_NAMES = {"set_language", "healthz", "accounts:confirm", "accounts:logout", "ideas:confirm"}


def named_patterns(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names - SKIPPED_NAMES


class AuthorisationMatrixTests(BaseTestCase):
    def expectations(self) -> dict[str, tuple[list[str], dict]]:
        """URL name → (personas that may open it, URL kwargs)."""
        token, _ = ApiToken.issue(user=self.staff, name="matrix")
        field, goal, term = {"pk": self.field.pk}, {"pk": self.goal.pk}, {"pk": self.term.pk}
        idea = make_idea(title="Matrix-Idee")
        stakeholder = Stakeholder.objects.create(name="Matrix-Verein")
        workshop = Workshop.objects.create(title="Matrix-Werkstatt", held_on="2024-06-01")
        comment = make_comment(idea=idea)
        survey = make_survey(audience=Survey.Audience.INVITATION)
        open_survey = make_survey()
        question = {"pk": survey.questions.get(kind="text").pk}
        project = Project.objects.create(title="Matrix-Projekt")
        milestone = Milestone.objects.create(project=project, title="M", definition_of_done="x", due_on="2025-01-01")
        kpi = Kpi.objects.create(project=project, name="K", target=10)
        invitation = Invitation.objects.create(survey=survey)
        answered = open_survey.questions.get(kind="text")
        response = Response.objects.create(survey=open_survey, respondent_key="matrix")
        answer = Answer.objects.create(response=response, question=answered, text="Mehr Online-Termine")
        draft_round = make_round(team=self.team, ideas=[make_idea()])
        scoring_round = make_round(team=self.team, ideas=[make_idea()], assessors=[self.staff], state="scoring")
        closed_round = make_round(team=self.team, ideas=[make_idea()], assessors=[self.staff], state="closed")
        criterion = {"pk": draft_round.criteria.first().criterion_id}
        rows = {
            "ideas:list": (ALL, {}),
            "ideas:export_csv": (ALL, {}),
            "ideas:export_xlsx": (ALL, {}),
            "ideas:create": (ALL, {}),
            "ideas:similar": (ALL, {}),
            "ideas:detail": (ALL, {"pk": idea.pk}),
            "ideas:report": (ALL, {"kind": "comment", "pk": comment.pk}),
            "ideas:moderation": (TEAM, {}),
            "ideas:import": (TEAM, {}),
            "participation:stakeholders": (INTERNAL, {}),
            "participation:stakeholder_create": (TEAM, {}),
            "participation:stakeholder_detail": (INTERNAL, {"pk": stakeholder.pk}),
            "participation:stakeholder_edit": (TEAM, {"pk": stakeholder.pk}),
            "participation:stakeholder_delete": (TEAM, {"pk": stakeholder.pk}),
            "participation:workshops": (INTERNAL, {}),
            "participation:workshop_create": (TEAM, {}),
            "participation:workshop_detail": (INTERNAL, {"pk": workshop.pk}),
            "participation:workshop_edit": (TEAM, {"pk": workshop.pk}),
            "participation:workshop_delete": (TEAM, {"pk": workshop.pk}),
            "participation:workshop_idea": (TEAM, {"pk": workshop.pk}),
            "ideas:status": (TEAM, {"pk": idea.pk}),
            "ideas:merge": (TEAM, {"pk": idea.pk}),
            "ideas:support": (LOGGED_IN, {"pk": idea.pk}),
            "ideas:comment": (LOGGED_IN, {"pk": idea.pk}),
            "ideas:moderate": (TEAM, {"kind": "idea", "pk": idea.pk}),
            "surveys:list": (ALL, {}),
            "surveys:create": (TEAM, {}),
            "surveys:detail": (ALL, {"pk": open_survey.pk}),
            "surveys:invited": (ALL, {"token": invitation.token}),
            "surveys:manage": (TEAM, {"pk": survey.pk}),
            "surveys:edit": (TEAM, {"pk": survey.pk}),
            "surveys:delete": (TEAM, {"pk": survey.pk}),
            "surveys:question_create": (TEAM, {"survey_pk": survey.pk}),
            "surveys:question_edit": (TEAM, question),
            "surveys:question_delete": (TEAM, question),
            "surveys:question_move": (TEAM, question),
            "surveys:text_answers": (INTERNAL, {"pk": answered.pk}),
            "surveys:invitations": (TEAM, {"pk": survey.pk}),
            "surveys:invitations_csv": (TEAM, {"pk": survey.pk}),
            "surveys:results": (INTERNAL, {"pk": survey.pk}),
            "surveys:export": (INTERNAL, {"pk": survey.pk, "fmt": "csv"}),
            "surveys:answer_idea": (TEAM, {"pk": answer.pk}),
            "prioritisation:rounds": (INTERNAL, {}),
            "prioritisation:round_create": (TEAM, {}),
            "prioritisation:round_detail": (INTERNAL, {"pk": closed_round.pk}),
            "prioritisation:round_edit": (TEAM, {"pk": draft_round.pk}),
            "prioritisation:round_delete": (TEAM, {"pk": draft_round.pk}),
            "prioritisation:round_weights": (TEAM, {"pk": draft_round.pk}),
            "prioritisation:round_candidates": (TEAM, {"pk": draft_round.pk}),
            "prioritisation:round_state": (TEAM, {"pk": draft_round.pk}),
            "prioritisation:candidate_remove": (TEAM, {"pk": draft_round.candidates.get().pk}),
            # Only the round's assessors score, and only while it is in scoring.
            "prioritisation:scoring": (["staff"], {"pk": scoring_round.pk}),
            "prioritisation:score_candidate": (["staff"], {"pk": scoring_round.candidates.get().pk}),
            "prioritisation:ranking": (INTERNAL, {"pk": closed_round.pk}),
            "prioritisation:matrix": (INTERNAL, {"pk": closed_round.pk}),
            "prioritisation:criteria": (INTERNAL, {}),
            "prioritisation:criterion_create": (TEAM, {}),
            "prioritisation:criteria_defaults": (TEAM, {}),
            "prioritisation:criterion_edit": (TEAM, criterion),
            "prioritisation:criterion_delete": (TEAM, criterion),
            "projects:list": (ALL, {}),
            "projects:mine": (INTERNAL, {}),
            "projects:roadmap": (ALL, {}),
            "projects:since": (ALL, {}),
            "projects:create": (TEAM, {}),
            "projects:decide": (TEAM, {}),
            "projects:import": (TEAM, {}),
            "projects:detail": (ALL, {"pk": project.pk}),
            "projects:edit": (TEAM, {"pk": project.pk}),
            "projects:delete": (TEAM, {"pk": project.pk}),
            "projects:decision_create": (TEAM, {"pk": project.pk}),
            "projects:log_create": (TEAM, {"pk": project.pk}),
            "projects:milestone_create": (TEAM, {"project_pk": project.pk}),
            "projects:milestone_edit": (TEAM, {"pk": milestone.pk}),
            "projects:milestone_delete": (TEAM, {"pk": milestone.pk}),
            "projects:kpi_create": (TEAM, {"project_pk": project.pk}),
            "projects:kpi_edit": (TEAM, {"pk": kpi.pk}),
            "projects:measurement_create": (TEAM, {"pk": kpi.pk}),
            "core:home": (ALL, {}),
            "core:audit_log": (TEAM, {}),
            "core:accessibility": (ALL, {}),
            "core:easy_language": (ALL, {}),
            "strategy:detail": (ALL, {}),
            "strategy:field_detail": (ALL, field),
            "strategy:edit": (TEAM, {}),
            "strategy:glossary_create": (TEAM, {}),
            "strategy:glossary_edit": (TEAM, term),
            "strategy:glossary_delete": (TEAM, term),
            "strategy:field_create": (TEAM, {}),
            "strategy:field_edit": (TEAM, field),
            "strategy:field_delete": (TEAM, field),
            "strategy:goal_create": (TEAM, {"field_pk": self.field.pk}),
            "strategy:goal_edit": (TEAM, goal),
            "strategy:goal_delete": (TEAM, goal),
            "core:history": (INTERNAL, {"kind": "field", "pk": self.field.pk}),
            "accounts:login": (["anonymous"], {}),
            "accounts:register": (["anonymous"], {}),
            "accounts:profile": (LOGGED_IN, {}),
            "accounts:data_export": (LOGGED_IN, {}),
            "accounts:delete": (LOGGED_IN, {}),
            "accounts:password_change": (LOGGED_IN, {}),
            "accounts:tokens": (INTERNAL, {}),
            # Only the owner may revoke a token; for everyone else it does not exist.
            "accounts:token_revoke": (["staff"], {"pk": token.pk}),
            "accounts:organisation": (INTERNAL, {}),
            "municipality:configure": (ADMIN, {}),
        }
        for module in app_matrices():
            rows |= module.expectations(self)
        return rows

    def history_expectations(self) -> list[tuple[str, str, object, list[str]]]:
        """(what, history kind, object, personas that may open its history) for objects in every
        visibility state. A history is internal and follows the object's own rule: whoever gets 404
        on the object's page gets 404 on its history. Apps add theirs in `history_expectations(case)`."""
        anonymous_unconfirmed = make_idea(
            title="Unbestätigt",
            moderation=Moderation.UNCONFIRMED,
            author_name="Anna Anonym",
            author_email="anna@example.net",
        )
        rows = [
            ("strategy", "strategy", self.strategy, INTERNAL),
            ("glossary entry", "term", self.term, INTERNAL),
            ("field of action", "field", self.field, INTERNAL),
            ("goal", "goal", self.goal, INTERNAL),
            ("published idea", "idea", make_idea(), INTERNAL),
            ("unconfirmed anonymous idea", "idea", anonymous_unconfirmed, []),
            ("citizen's idea awaiting moderation", "idea", make_idea(moderation="pending", author=self.citizen), TEAM),
            (
                "staff's own idea awaiting moderation",
                "idea",
                make_idea(moderation="pending", author=self.staff),
                ["staff", *TEAM],
            ),
            (
                "hidden idea",
                "idea",
                make_idea(moderation="hidden", author=self.citizen, hidden_reason="Beleidigend"),
                TEAM,
            ),
            ("stakeholder", "stakeholder", Stakeholder.objects.create(name="Historie-Verein"), INTERNAL),
            (
                "workshop",
                "workshop",
                Workshop.objects.create(title="Historie-Werkstatt", held_on="2024-06-01"),
                INTERNAL,
            ),
            ("public project", "project", Project.objects.create(title="Öffentlich"), INTERNAL),
            ("internal project", "project", Project.objects.create(title="Intern", visibility="internal"), INTERNAL),
            ("published survey", "survey", make_survey(with_questions=False), INTERNAL),
            ("draft survey", "survey", make_survey(with_questions=False, is_published=False), TEAM),
            (
                "invitation survey",
                "survey",
                make_survey(with_questions=False, audience=Survey.Audience.INVITATION),
                TEAM,
            ),
        ]
        for module in app_matrices():
            if hasattr(module, "history_expectations"):
                rows += module.history_expectations(self)
        return rows

    def test_history_pages_cover_every_kind(self) -> None:
        self.assertEqual({kind for _what, kind, _obj, _allowed in self.history_expectations()}, set(HISTORY_KINDS))

    def test_history_pages_follow_each_objects_own_rule_in_every_state(self) -> None:
        for what, kind, obj, allowed in self.history_expectations():
            url = reverse("core:history", kwargs={"kind": kind, "pk": obj.pk})
            for persona, user in self.personas().items():
                self.login(user)
                status = self.client.get(url).status_code
                label = f"{persona} GET history of {what} ({url})"
                if persona in allowed:
                    self.assertEqual(status, 200, label)
                elif persona == "anonymous":
                    self.assertEqual(status, 302, label)
                elif self.client.get(obj.get_absolute_url()).status_code == 404:
                    self.assertEqual(status, 404, label)  # the history answers like the object's page
                else:
                    self.assertIn(status, (403, 404), label)

    def test_every_url_pattern_has_an_expectation(self) -> None:
        self.assertEqual(named_patterns() - set(self.expectations()), set())

    def test_each_role_gets_exactly_what_it_may_see(self) -> None:
        post_only = {
            "accounts:token_revoke",
            "ideas:support",
            "ideas:comment",
            "ideas:moderate",
            "surveys:question_move",
        }.union(*(module.POST_ONLY for module in app_matrices()))
        for name, (allowed, kwargs) in self.expectations().items():
            url = reverse(name, kwargs=kwargs)
            for persona, user in self.personas().items():
                self.login(user)
                status = self.client.get(url).status_code
                label = f"{persona} GET {url}"
                if name in post_only:
                    self.assertIn(status, (302, 405), label)
                elif persona in allowed:
                    self.assertEqual(status, 200, label)
                elif name in ("accounts:login", "accounts:register"):
                    self.assertEqual(status, 302, label)  # logged-in users are sent on
                elif persona == "anonymous":
                    self.assertEqual(status, 302, label)
                    self.assertIn(reverse("accounts:login"), self.client.get(url)["Location"], label)
                else:
                    self.assertIn(status, (403, 404), label)

    def test_unsafe_requests_are_refused_for_roles_without_permission(self) -> None:
        for name, (allowed, kwargs) in self.expectations().items():
            if (
                set(allowed) >= set(INTERNAL)
                or name.startswith("accounts:")
                or name in ("ideas:support", "ideas:comment", "surveys:detail", "surveys:invited")
            ):
                continue  # pages everyone may use; their own tests cover their POSTs
            url = reverse(name, kwargs=kwargs)
            for persona, user in self.personas().items():
                if persona in allowed:
                    continue
                self.login(user)
                status = self.client.post(
                    url, {"title": "x", "term": "x", "vision": "x", "key": "05766008"}
                ).status_code
                self.assertIn(status, (302, 403, 404), f"{persona} POST {url}")
                if status == 302:
                    self.assertEqual(persona, "anonymous", f"{persona} POST {url}")
        self.field.refresh_from_db()
        self.goal.refresh_from_db()
        self.term.refresh_from_db()
        self.assertEqual(self.field.title, "Digitale Verwaltungsleistungen")
        self.assertEqual(self.municipality.__class__.objects.current().name, "Teststadt")
