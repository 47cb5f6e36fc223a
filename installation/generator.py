"""Deterministic test data at town or city scale, with varied German text.

Texts are built from parts (a subject, what should happen, where, why) so that ideas differ
in wording and topic the way real idea pools do, which keeps search and similarity honest.
Everything is seeded: the same scale gives the same data on SQLite and PostgreSQL.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Membership, OrgUnit, Role, User
from core.sample_text import ACTIONS, idea_text
from core.text import stems_of
from ideas.models import Comment, Idea, Moderation, StatusChange, Support
from installation.demo import load_demo
from installation.plugins import app_hooks
from projects.models import Milestone, Project
from strategy.models import FieldOfAction, Strategy


@dataclass(frozen=True)
class Scale:
    ideas: int
    users: int
    supports: int
    comments: int
    projects: int
    milestones_per_project: int


SCALES = {
    "town": Scale(ideas=500, users=300, supports=3_000, comments=1_000, projects=50, milestones_per_project=5),
    "city": Scale(
        ideas=20_000, users=5_000, supports=200_000, comments=50_000, projects=2_000, milestones_per_project=5
    ),
    # A hub: a town of its own plus what all 10,981 municipalities published (exchange/generator.py).
    "national": Scale(ideas=500, users=300, supports=3_000, comments=1_000, projects=50, milestones_per_project=5),
}

COMMENTS = [
    "Gute Idee, das würde ich sofort nutzen.",
    "Bitte den Datenschutz von Anfang an mitdenken.",
    "In unserer Nachbarstadt gibt es das schon, vielleicht kann man sich austauschen?",
    "Wichtig wäre, dass es auch ohne Smartphone geht.",
    "Wer soll das bezahlen?",
    "Das Problem kenne ich aus dem Fachbereich, die Lösung wäre eine große Hilfe.",
    "Wie lange würde die Umsetzung dauern?",
    "Ich unterstütze das, aber bitte barrierefrei.",
]
STATUS_WEIGHTS = [
    (Idea.Status.SUBMITTED, 20),
    (Idea.Status.IN_REVIEW, 10),
    (Idea.Status.IN_POOL, 35),
    (Idea.Status.DECLINED, 12),
    (Idea.Status.PRIORITISED, 10),
    (Idea.Status.IN_IMPLEMENTATION, 8),
    (Idea.Status.REALISED, 5),
]


def generate(*, scale_name: str, seed: int = 20240314, batch: int = 5000) -> dict[str, int]:
    """Add the demo town plus `scale` ideas, users, supports and comments. Returns what was created."""
    scale = SCALES[scale_name]
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    load_demo()
    fields = list(FieldOfAction.objects.filter(strategy=Strategy.objects.current()).order_by("position"))
    units = list(OrgUnit.objects.all())
    password = make_password(None)  # unusable: generated people cannot log in
    with transaction.atomic():
        first_new = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        User.objects.bulk_create(
            [
                User(
                    email=f"person{first_new + i}@generated.example",
                    full_name=f"Person {first_new + i}",
                    role=Role.STAFF if i % 5 == 0 else Role.CITIZEN,
                    password=password,
                )
                for i in range(scale.users)
            ],
            batch_size=batch,
        )
        people = list(
            User.objects.filter(email__endswith="@generated.example").order_by("pk").values_list("pk", flat=True)
        )
        staff = people[::5]
        Membership.objects.bulk_create(
            [Membership(user_id=pk, unit=rng.choice(units)) for pk in staff], batch_size=batch, ignore_conflicts=True
        )

        start = datetime(2022, 1, 1, 8, 0, tzinfo=UTC)
        statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
        ideas = []
        for _ in range(scale.ideas):
            title, description = idea_text(rng)
            submitted = start + timedelta(minutes=rng.randint(0, 60 * 24 * 1400))
            idea = Idea(
                title=title,
                description=description,
                field_of_action=rng.choice(fields),
                source=rng.choice(Idea.Source.values),
                status=rng.choices(statuses, weights)[0],
                moderation=Moderation.PUBLISHED if rng.random() > 0.03 else Moderation.PENDING,
                author_id=rng.choice(people),
                benefits_citizens=rng.random() < 0.6,
                benefits_staff=rng.random() < 0.4,
                benefits_businesses=rng.random() < 0.2,
                submitted_at=submitted,
                last_activity_at=submitted,
            )
            # bulk_create skips Idea.save(), so the stems are set here the same way.
            idea.search_stems = " ".join(sorted(stems_of(f"{title} {description}")))
            ideas.append(idea)
        Idea.objects.bulk_create(ideas, batch_size=batch)
        idea_ids = list(Idea.objects.filter(author_id__in=people).order_by("pk").values_list("pk", flat=True))

        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    idea=idea, to_status=Idea.Status.SUBMITTED, reason="Eingereicht.", changed_at=idea.submitted_at
                )
                for idea in ideas
            ],
            batch_size=batch,
        )

        # Supports: a skewed distribution (a few ideas get many), each person at most once per idea.
        pairs: set[tuple[int, int]] = set()
        while len(pairs) < scale.supports:
            idea_id = idea_ids[
                min(int(rng.paretovariate(1.2)) - 1, len(idea_ids) - 1)
                if rng.random() < 0.3
                else rng.randrange(len(idea_ids))
            ]
            pairs.add((idea_id, rng.choice(people)))
        Support.objects.bulk_create([Support(idea_id=i, user_id=u) for i, u in pairs], batch_size=batch)

        comments = [
            Comment(
                idea_id=rng.choice(idea_ids),
                author_id=rng.choice(people),
                text=rng.choice(COMMENTS),
                moderation=Moderation.PUBLISHED,
            )
            for _ in range(scale.comments)
        ]
        Comment.objects.bulk_create(comments, batch_size=batch)
        _generate_projects(rng, scale, fields=fields, units=units, staff=staff, batch=batch)

    _recount_all()
    counts = {
        "users": scale.users,
        "ideas": scale.ideas,
        "supports": scale.supports,
        "comments": scale.comments,
        "projects": scale.projects,
        "milestones": scale.projects * scale.milestones_per_project,
    }
    for hook in app_hooks("generator", "extend_generated"):
        # Each app draws from its own seeded generator, so adding an app leaves the others' data as it was.
        app_rng = random.Random(f"{seed}-{hook.__module__}")  # noqa: S311 - reproducible test data
        counts |= hook(scale_name=scale_name, rng=app_rng, batch=batch)
    return counts


def _generate_projects(rng: random.Random, scale: Scale, *, fields: list, units: list, staff: list, batch: int) -> None:
    """Projects spread over 2022–2029 with weighted milestones; progress and counters set as the app would."""
    today = date(2026, 6, 30)  # fixed, so the same seed gives the same data on any day
    statuses = [s for s, _label in Project.Status.choices]
    projects, plans = [], []
    for _ in range(scale.projects):
        title, description = idea_text(rng)
        start = date(2022, 1, 1) + timedelta(days=rng.randint(0, 5 * 365))
        end = start + timedelta(days=rng.randint(120, 3 * 365))
        milestones = []
        for k in range(scale.milestones_per_project):
            due = start + (end - start) * (k + 1) / scale.milestones_per_project
            done = due + timedelta(days=rng.randint(-20, 60)) if due < today and rng.random() < 0.8 else None
            milestones.append((f"Etappe {k + 1}: {rng.choice(ACTIONS)}", due, done if done and done <= today else None))
        weights = [rng.randint(1, 3) for _ in milestones]
        done_weight = sum(w for w, (_t, _d, done) in zip(weights, milestones, strict=True) if done)
        projects.append(
            Project(
                title=f"Projekt {title}"[:200],
                summary=description[:300],
                description=description,
                unit=rng.choice(units),
                lead_id=rng.choice(staff),
                status=rng.choice(statuses),
                visibility=Project.Visibility.PUBLIC if rng.random() < 0.85 else Project.Visibility.INTERNAL,
                planned_start=start,
                planned_end=end,
                budget_planned=Decimal(rng.randint(5, 500) * 1000),
                progress=round(100 * done_weight / sum(weights)),
                milestones_total=len(milestones),
                milestones_done=sum(1 for _t, _d, done in milestones if done),
                last_traffic_light=rng.choice(["", "green", "green", "yellow", "red"]),
            )
        )
        plans.append((milestones, weights))
    Project.objects.bulk_create(projects, batch_size=batch)
    created = list(Project.objects.filter(title__startswith="Projekt ").order_by("-pk")[: scale.projects])[::-1]
    Project.fields_of_action.through.objects.bulk_create(
        [
            Project.fields_of_action.through(project_id=project.pk, fieldofaction_id=rng.choice(fields).pk)
            for project in created
        ],
        batch_size=batch,
    )
    Milestone.objects.bulk_create(
        [
            Milestone(
                project=project, title=title, definition_of_done="Abgenommen.", due_on=due, done_on=done, weight=w
            )
            for project, (milestones, weights) in zip(created, plans, strict=True)
            for (title, due, done), w in zip(milestones, weights, strict=True)
        ],
        batch_size=batch,
    )


def _recount_all() -> None:
    """Denormalised counters, set in one statement each."""
    supports = Support.objects.filter(idea=OuterRef("pk")).values("idea").annotate(n=Count("pk")).values("n")
    comments = (
        Comment.objects.filter(idea=OuterRef("pk"), moderation=Moderation.PUBLISHED)
        .values("idea")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Idea.objects.update(support_count=Coalesce(Subquery(supports), 0), comment_count=Coalesce(Subquery(comments), 0))
