"""Lessons learned for the generated data: 5,000 at city scale, with every outcome, failures included."""

import random
from datetime import UTC, datetime, timedelta

from core.sample_text import ACTIONS, REASONS, SUBJECTS
from lessons.models import Lesson
from projects.models import Project

COUNTS = {"town": 120, "city": 5_000, "national": 120}
WORKED = [
    "Ein kleiner Pilot mit Freiwilligen aus zwei Fachbereichen.",
    "Die frühe Einbindung des Personalrats.",
    "Kurze Schulungen direkt am Arbeitsplatz.",
    "Die Zusammenarbeit mit der Nachbarkommune bei der Ausschreibung.",
    "Ein fester Ansprechpartner im Fachbereich.",
]
DID_NOT = [
    "Die Schnittstelle zum Fachverfahren war teurer als geplant.",
    "Der Anbieter hat Termine mehrfach verschoben.",
    "Die Nutzung blieb weit unter den Erwartungen.",
    "Die Pflege der Inhalte hatte niemand als Aufgabe.",
    "Die Datenqualität im Altsystem war schlechter als gedacht.",
]
ADVICE = [
    "Messbare Ziele und einen Abbruchpunkt vor dem Start vereinbaren.",
    "Die Beschäftigten vom ersten Tag an beteiligen.",
    "Erst den Prozess vereinfachen, dann digitalisieren.",
    "Mit einer Nachbarkommune gemeinsam beschaffen.",
]
OUTCOMES = [
    (Lesson.Outcome.SUCCESS, 40),
    (Lesson.Outcome.PARTIAL, 25),
    (Lesson.Outcome.FAILED, 15),
    (Lesson.Outcome.STOPPED, 8),
    (Lesson.Outcome.TOO_EARLY, 12),
]


def extend_generated(*, scale_name: str, rng: random.Random, batch: int) -> dict[str, int]:
    count = COUNTS.get(scale_name, 0)
    project_ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    outcomes, weights = zip(*OUTCOMES, strict=True)
    start = datetime(2023, 1, 1, 9, 0, tzinfo=UTC)
    lessons = []
    for _ in range(count):
        subject, keyword = rng.choice(SUBJECTS)
        outcome = rng.choices(outcomes, weights)[0]
        published = start + timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 600))
        state = (
            Lesson.State.PUBLISHED if rng.random() < 0.85 else rng.choice([Lesson.State.DRAFT, Lesson.State.IN_REVIEW])
        )
        project_id = rng.choice(project_ids) if project_ids and rng.random() < 0.9 else None
        lessons.append(
            Lesson(
                scope=Lesson.Scope.PROJECT if project_id else Lesson.Scope.STRATEGY,
                project_id=project_id,
                title=f"{keyword}: {rng.choice(ACTIONS)} – was wir gelernt haben"[:200],
                context=f"Wir wollten {subject} {rng.choice(ACTIONS)}. {rng.choice(REASONS)}",
                what_worked=rng.choice(WORKED),
                what_did_not=rng.choice(DID_NOT),
                do_differently=rng.choice(ADVICE),
                advice=rng.choice(ADVICE),
                outcome=outcome,
                visibility=rng.choice(list(Lesson.Visibility.values)),
                state=state,
                published_at=published if state == Lesson.State.PUBLISHED else None,
                created_at=published - timedelta(days=rng.randint(1, 30)),
                effort_person_days=rng.randint(2, 120),
            )
        )
    Lesson.objects.bulk_create(lessons, batch_size=batch)
    return {"lessons": count}
