"""Shared test personas and factories. Every app's tests build on BaseTestCase."""

from datetime import timedelta
from itertools import count

from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from accounts.models import Membership, OrgUnit, Role, User
from ideas.models import Comment, Idea, Moderation
from municipality.models import Municipality
from strategy.models import FieldOfAction, GlossaryEntry, Goal, Strategy
from surveys.models import Question, Survey

PASSWORD = "correct horse battery staple"

# Persona groups of the authorisation matrix (core/tests/test_roles.py and <app>/tests/roles.py).
ALL = ["anonymous", "citizen", "staff", "lead", "council", "team", "admin"]
LOGGED_IN = ALL[1:]
INTERNAL = ["staff", "lead", "council", "team", "admin"]
TEAM = ["team", "admin"]
ADMIN = ["admin"]
_sequence = count(1)


def make_user(*, role: str = Role.STAFF, email: str | None = None, **overrides) -> User:
    email = email or f"user{next(_sequence)}@example.org"
    overrides.setdefault("full_name", email.split("@")[0].title())
    return User.objects.create_user(email, PASSWORD, role=role, **overrides)


def make_unit(**overrides) -> OrgUnit:
    overrides.setdefault("name", f"Fachbereich {next(_sequence)}")
    return OrgUnit.objects.create(**overrides)


def make_strategy(**overrides) -> Strategy:
    overrides.setdefault("title", "Digitalstrategie Teststadt")
    overrides.setdefault("vision", "Eine Stadt, in der digitale Wege kurz sind.")
    return Strategy.objects.create(**overrides)


def make_field(*, strategy: Strategy, **overrides) -> FieldOfAction:
    overrides.setdefault("title", f"Handlungsfeld {next(_sequence)}")
    return FieldOfAction.objects.create(strategy=strategy, **overrides)


def make_goal(*, field: FieldOfAction, **overrides) -> Goal:
    overrides.setdefault("title", f"Ziel {next(_sequence)}")
    return Goal.objects.create(field=field, **overrides)


def make_glossary_entry(*, strategy: Strategy, **overrides) -> GlossaryEntry:
    overrides.setdefault("term", f"Begriff {next(_sequence)}")
    overrides.setdefault("definition", "Was der Begriff hier bedeutet.")
    return GlossaryEntry.objects.create(strategy=strategy, **overrides)


def make_idea(**overrides) -> Idea:
    """A published idea; embeddings are left out unless a test asks (ideas.services computes them)."""
    overrides.setdefault("title", f"Idee {next(_sequence)}")
    overrides.setdefault("description", "Eine Beschreibung, was besser werden soll.")
    overrides.setdefault("moderation", Moderation.PUBLISHED)
    return Idea.objects.create(**overrides)


def make_survey(*, with_questions: bool = True, **overrides) -> Survey:
    """A published survey open for four weeks, with one question of every kind."""
    from surveys.services import question_save

    now = timezone.now()
    overrides.setdefault("title", f"Umfrage {next(_sequence)}")
    overrides.setdefault("opens_at", now - timedelta(days=1))
    overrides.setdefault("closes_at", now + timedelta(days=27))
    overrides.setdefault("is_published", True)
    survey = Survey.objects.create(**overrides)
    if with_questions:
        question_save(
            question=Question(survey=survey, kind=Question.Kind.SINGLE, text="Wie oft?", required=True),
            options=["selten", "oft"],
        )
        question_save(
            question=Question(survey=survey, kind=Question.Kind.MULTIPLE, text="Was online?"),
            options=["Termine", "Anträge", "Zahlungen"],
        )
        question_save(question=Question(survey=survey, kind=Question.Kind.SCALE, text="Wie wichtig?"), options=[])
        question_save(question=Question(survey=survey, kind=Question.Kind.TEXT, text="Was noch?"), options=[])
    return survey


def make_comment(*, idea: Idea, **overrides) -> Comment:
    overrides.setdefault("text", "Ein Kommentar.")
    overrides.setdefault("moderation", Moderation.PUBLISHED)
    return Comment.objects.create(idea=idea, **overrides)


class BaseTestCase(TestCase):
    """One persona per role, the unit they work in and a small strategy."""

    municipality: Municipality
    unit: OrgUnit
    strategy_unit: OrgUnit
    admin: User
    team: User
    staff: User
    lead: User
    council: User
    citizen: User
    strategy: Strategy
    field: FieldOfAction
    goal: Goal
    term: GlossaryEntry

    @classmethod
    def setUpTestData(cls) -> None:
        cls.municipality = Municipality.objects.create(name="Teststadt", state="Nordrhein-Westfalen", population=50000)
        cls.unit = make_unit(name="Bürgerbüro", short_name="FB 2.1")
        cls.strategy_unit = make_unit(name="Stab Strategie, Innovation und Digitalisierung", is_strategy_team=True)
        cls.admin = make_user(role=Role.ADMINISTRATOR, email="admin@example.org", full_name="Ada Admin")
        cls.team = make_user(role=Role.STRATEGY_TEAM, email="team@example.org", full_name="Tea Team")
        cls.staff = make_user(role=Role.STAFF, email="staff@example.org", full_name="Sam Staff")
        cls.lead = make_user(role=Role.STAFF, email="lead@example.org", full_name="Lena Lead")
        cls.council = make_user(role=Role.COUNCIL, email="council@example.org", full_name="Carl Council")
        cls.citizen = make_user(role=Role.CITIZEN, email="citizen@example.org", full_name="Cleo Citizen")
        Membership.objects.create(user=cls.staff, unit=cls.unit)
        Membership.objects.create(user=cls.lead, unit=cls.unit, is_lead=True)
        Membership.objects.create(user=cls.team, unit=cls.strategy_unit, is_lead=True)
        cls.strategy = make_strategy()
        cls.field = make_field(strategy=cls.strategy, title="Digitale Verwaltungsleistungen")
        cls.goal = make_goal(
            field=cls.field, title="Top-50-Leistungen online", indicator="Anteil online", target_value=100, unit="%"
        )
        cls.term = make_glossary_entry(strategy=cls.strategy, term="Digitalisierung")

    def setUp(self) -> None:
        super().setUp()
        cache.clear()  # rate limits live in the cache; every test starts with none used

    def personas(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "citizen": self.citizen,
            "staff": self.staff,
            "lead": self.lead,
            "council": self.council,
            "team": self.team,
            "admin": self.admin,
        }

    def login(self, user: User | None) -> None:
        self.client.logout()
        if user is not None:
            self.client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def run_db_worker_once() -> None:
    """Run what the database task queue holds now, as `manage.py db_worker` would, inside the test's transaction."""
    from unittest import mock

    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    # The worker closes stale connections between tasks; here that would end the test's transaction.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()
