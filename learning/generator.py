"""Generated learning offers: a catalogue with sessions over two years, registrations, attendance and ratings.

Town: 30 units, 150 sessions; city: 120 units, 900 sessions with up to 20 registrations each.
"""

import random
from datetime import UTC, datetime, timedelta

from accounts.models import Role, User
from learning.models import LearningUnit, Registration, Session

COUNTS = {"town": (30, 5), "city": (120, 8), "national": (10, 3)}
TOPICS = [
    "Zusammenarbeit",
    "E-Akte",
    "IT-Sicherheit",
    "Zeiterfassung",
    "Tipps und Tricks",
    "Datenschutz",
    "Mobiles Arbeiten",
]
SUBJECTS = ["Videokonferenzen", "die E-Akte", "Phishing-Mails", "Tastenkürzel", "die gemeinsame Ablage", "das Wallet"]
DIMENSIONS = ["competences", "workplace", "security", "processes", "organisation"]


def extend_generated(*, scale_name: str, rng: random.Random, batch: int) -> dict[str, int]:
    unit_count, sessions_per_unit = COUNTS.get(scale_name, (0, 0))
    if not unit_count:
        return {}
    formats = list(LearningUnit.Format.values)
    units = LearningUnit.objects.bulk_create(
        [
            LearningUnit(
                title=f"{rng.choice(SUBJECTS).capitalize()} – Teil {n + 1}",
                topic=rng.choice(TOPICS),
                summary="Kurz und praktisch: was man im Alltag wirklich braucht.",
                duration_minutes=rng.choice([10, 20, 30, 45, 60, 90]),
                format=rng.choice(formats),
                dimension_key=rng.choice(DIMENSIONS),
            )
            for n in range(unit_count)
        ],
        batch_size=batch,
    )
    start = datetime(2025, 1, 6, 11, tzinfo=UTC)
    sessions = Session.objects.bulk_create(
        [
            Session(
                unit=unit,
                starts_at=start + timedelta(days=rng.randint(0, 730), hours=rng.randint(0, 5)),
                place=f"Rathaus, Raum {rng.randint(1, 4)}.{rng.randint(10, 30)}",
                capacity=rng.choice([8, 12, 15, 20]),
            )
            for unit in units
            for _ in range(sessions_per_unit)
        ],
        batch_size=batch,
    )
    staff = list(User.objects.filter(role=Role.STAFF).prefetch_related("units").order_by("pk")[:2000])
    now = datetime.now(UTC)
    registrations = []
    for session in sessions:
        for user in rng.sample(staff, min(len(staff), rng.randint(0, session.capacity))):
            past = session.starts_at < now
            attended = (rng.random() < 0.85) if past else None
            rating = rng.choice([3, 4, 4, 5, 5, 2]) if attended and rng.random() < 0.6 else None
            unit = next(iter(user.units.all()), None)
            registrations.append(
                Registration(session=session, user=user, org_unit=unit, attended=attended, rating=rating)
            )
    Registration.objects.bulk_create(registrations, batch_size=batch)
    return {"learning units": len(units), "learning sessions": len(sessions), "registrations": len(registrations)}
