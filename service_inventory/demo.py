"""Demo data: the services Lindenfeld provides, with levels, units, case numbers, pain points and backlog.

The full catalogue is loaded first if the database does not have it (test databases skip the
data migration). About 30 services are described in detail; a few hundred more are marked as
provided with a plausible level and history, so the overview charts have something to show.
"""

import random
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import OrgUnit, User
from ideas.models import Idea
from municipality.models import Municipality
from projects.models import Project
from service_inventory.applicability import Scope
from service_inventory.catalogue import import_catalogue, read_catalogue
from service_inventory.models import LevelChange, LocalService, OzgService, Service
from service_inventory.services import backlog_link, local_service_save

PORTAL = "https://service.lindenfeld.example/leistungen/"

# LeiKa key, unit, [(since, level), …], cases per year, target level, target date, pain points
DETAILED = [
    (
        "99115005104000",
        "FB 2.1",
        [(date(2022, 3, 1), 1), (date(2024, 9, 2), 3)],
        5200,
        4,
        date(2026, 12, 31),
        "Umzüge innerhalb der Stadt brauchen noch einen Termin, wenn die Wohnungsgeberbestätigung fehlt.",
    ),
    (
        "99008001012000",
        "FB 2.1",
        [(date(2022, 3, 1), 1), (date(2023, 6, 1), 2)],
        6100,
        3,
        date(2026, 6, 30),
        "Vorsprache wegen Foto und Fingerabdrücken bleibt nötig; die Terminbuchung ist online, der Antrag nicht.",
    ),
    ("99085001012000", "FB 2.1", [(date(2022, 3, 1), 1), (date(2023, 6, 1), 2)], 2300, 2, None, ""),
    ("99115004001000", "FB 2.1", [(date(2022, 3, 1), 2), (date(2023, 2, 15), 4)], 1900, None, None, ""),
    (
        "99108001001000",
        "FB 2",
        [(date(2022, 3, 1), 1), (date(2025, 2, 3), 3)],
        1400,
        4,
        date(2026, 3, 31),
        "Bezahlung online möglich, der Ausweis wird aber noch per Post verschickt statt digital.",
    ),
    ("99108001020000", "FB 2", [(date(2022, 3, 1), 1), (date(2025, 2, 3), 3)], 2100, 4, date(2026, 3, 31), ""),
    (
        "99108009000000",
        "FB 2",
        [(date(2022, 3, 1), 1)],
        180,
        3,
        date(2026, 12, 31),
        "Nachweise der Schwerbehinderung kommen per Post und werden abgetippt.",
    ),
    (
        "99050012104000",
        "FB 2",
        [(date(2022, 3, 1), 2), (date(2023, 11, 6), 3)],
        640,
        4,
        date(2027, 6, 30),
        "Die Weitergabe an Finanzamt und Kammern geschieht noch per Export und E-Mail.",
    ),
    ("99050012070000", "FB 2", [(date(2022, 3, 1), 2), (date(2023, 11, 6), 3)], 410, 4, date(2027, 6, 30), ""),
    ("99102013000000", "FB 1", [(date(2022, 3, 1), 2), (date(2024, 4, 15), 3)], 850, 3, None, ""),
    (
        "99027002012000",
        "FB 2.2",
        [(date(2022, 3, 1), 1), (date(2023, 9, 1), 3)],
        1300,
        4,
        date(2026, 12, 31),
        "Urkunden kommen auf Papier; die digitale Zustellung fehlt noch.",
    ),
    ("99101004012000", "FB 2.2", [(date(2022, 3, 1), 1), (date(2023, 9, 1), 3)], 720, 3, None, ""),
    (
        "99059001104000",
        "FB 2.2",
        [(date(2022, 3, 1), 1)],
        260,
        2,
        date(2026, 6, 30),
        "Unterlagen aus dem Ausland müssen im Original vorgelegt werden.",
    ),
    (
        "99012008001000",
        "FB 3",
        [(date(2022, 3, 1), 1), (date(2024, 1, 8), 3)],
        380,
        4,
        date(2027, 12, 31),
        "Pläne kommen digital, werden aber für die Fachämter noch ausgedruckt. Beteiligung der Träger per E-Mail.",
    ),
    ("99012010001000", "FB 3", [(date(2022, 3, 1), 1), (date(2024, 1, 8), 3)], 60, 3, None, ""),
    (
        "99093003001002",
        "FB 3",
        [(date(2022, 3, 1), 1), (date(2024, 5, 13), 2)],
        220,
        3,
        date(2026, 9, 30),
        "Fotos der Bäume kommen per E-Mail und werden von Hand der Akte zugeordnet.",
    ),
    (
        "99108012005000",
        "FB 3",
        [(date(2022, 3, 1), 1)],
        540,
        3,
        date(2026, 12, 31),
        "Jeder Antrag für Baustellen, Außengastronomie oder Umzugskartons ist ein eigenes PDF-Formular.",
    ),
    ("99108011153000", "FB 2", [(date(2022, 3, 1), 1), (date(2024, 6, 3), 3)], 900, 3, None, ""),
    (
        "99107023000000",
        "FB 4",
        [(date(2022, 3, 1), 1), (date(2024, 10, 1), 3)],
        1150,
        4,
        date(2027, 12, 31),
        "Viele Anträge sind unvollständig; Nachforderungen gehen per Brief und verzögern den Bescheid um Wochen.",
    ),
    ("99107022012000", "FB 4", [(date(2022, 3, 1), 1), (date(2025, 1, 15), 2)], 480, 3, date(2026, 12, 31), ""),
    ("99133001026000", "FB 4", [(date(2022, 3, 1), 1)], 140, 1, None, ""),
    (
        "99089017000000",
        "FB 2.1",
        [(date(2022, 3, 1), 1), (date(2023, 4, 3), 3)],
        950,
        3,
        None,
        "Fundsachen werden noch in einer Tabelle geführt; die Online-Suche zeigt nur einen Teil.",
    ),
    ("99128001120001", "FB 2.1", [(date(2022, 3, 1), 3)], 7800, 3, None, ""),
    (
        "99001009004002",
        "FB 3",
        [(date(2022, 3, 1), 2), (date(2023, 3, 1), 3), (date(2025, 5, 5), 4)],
        4200,
        None,
        None,
        "",
    ),
    (
        "99102012002002",
        "FB 1",
        [(date(2022, 3, 1), 1)],
        16500,
        2,
        date(2026, 12, 31),
        "Rückfragen zur Grundsteuerreform binden das Telefon der Steuerabteilung.",
    ),
    ("99025002169000", "FB 2", [(date(2022, 3, 1), 1), (date(2024, 2, 1), 3)], 45, 3, None, ""),
    ("99042001000000", "FB 2", [(date(2022, 3, 1), 0), (date(2024, 7, 1), 1)], 120, 3, date(2026, 6, 30), ""),
    (
        "99049001000000",
        "FB 2.1",
        [(date(2022, 3, 1), 1)],
        2600,
        1,
        None,
        "Viele kommen ins Bürgerbüro, obwohl das Bundesamt den Antrag online anbietet – der Hinweis fehlt auf unserer Seite.",
    ),
]
# Who is responsible for the other provided services, by Themenfeld.
UNIT_BY_TOPIC = {
    "Bauen & Wohnen": "FB 3",
    "Umwelt": "FB 3",
    "Mobilität & Reisen": "FB 2",
    "Recht & Ordnung": "FB 2",
    "Engagement & Hobby": "FB 2",
    "Unternehmensführung & -entwicklung": "FB 2",
    "Ein- & Auswanderung": "FB 2.1",
    "Familie & Kind": "FB 4",
    "Bildung": "FB 4",
    "Gesundheit": "FB 4",
    "Arbeit & Ruhestand": "FB 4",
    "Querschnitt": "FB 1",
    "Steuern & Zoll": "FB 1",
}
OTHER_PROVIDED = 240
LEVEL_WEIGHTS = [(0, 22), (1, 38), (2, 20), (3, 15), (4, 5)]


def ensure_catalogue() -> None:
    if not Service.objects.exists():
        import_catalogue(read_catalogue())


def extend_demo(*, users: dict[str, User]) -> None:
    ensure_catalogue()
    team = users["cdo@lindenfeld.example"]
    units = {u.short_name: u for u in OrgUnit.objects.exclude(short_name="")}
    by_key = {s.leika_key: s for s in Service.objects.filter(leika_key__in=[row[0] for row in DETAILED])}
    locals_: dict[str, LocalService] = {}
    for key, unit, history, cases, target, target_date, pain in DETAILED:
        service = by_key.get(key)
        if service is None:
            continue  # a newer catalogue without this key
        local = LocalService(
            service=service,
            provided=True,
            unit=units.get(unit),
            cases_per_year=cases,
            target_level=target,
            target_date=target_date,
            pain_points=pain,
        )
        for since, level in history:
            local.level = level
            local.online_url = f"{PORTAL}{service.pk}" if level >= 1 else ""
            local_service_save(local=local, level_since=since, by=team)
        locals_[key] = local
    _link_backlog(locals_)
    _other_provided(units, exclude={s.pk for s in by_key.values()})


def _link_backlog(locals_: dict[str, LocalService]) -> None:
    links = [
        ("99108001001000", "Parkausweis für Anwohnende online beantragen", None),
        ("99108001020000", "Parkausweis für Anwohnende online beantragen", None),
        ("99089017000000", None, "Nachbarschaftsplattform „Lindenfeld nebenan“"),
        ("99115005104000", None, "Wissenshäppchen to go"),
    ]
    for key, idea_title, project_title in links:
        local = locals_.get(key)
        if local is None:
            continue
        idea = Idea.objects.filter(title=idea_title).first() if idea_title else None
        project = Project.objects.filter(title=project_title).first() if project_title else None
        backlog_link(local=local, ideas=[idea] if idea else [], projects=[project] if project else [])


def _other_provided(units: dict[str, OrgUnit], *, exclude: set[int]) -> None:
    """A few hundred more provided services that apply to the town, chosen and dated deterministically."""
    rng = random.Random(20240314)  # noqa: S311 - reproducible demo data
    topics = dict(OzgService.objects.values_list("pk", "themenfeld"))
    # Only services that apply to the demo town (its state and level): no other state's fishing licence.
    # Of those, the ones a town plainly handles: municipal services and the others of the same OZG
    # services (elections, building permits, street use), not every "state or municipality" entry.
    municipal_ozg = Service.objects.filter(scope=Scope.MUNICIPAL, ozg__isnull=False).values("ozg_id")
    candidates = list(
        Service.objects.applicable(Municipality.objects.current())
        .filter(Q(scope=Scope.MUNICIPAL) | Q(ozg_id__in=municipal_ozg))
        .filter(ozg__themenfeld__in=UNIT_BY_TOPIC, local__isnull=True)
        .exclude(pk__in=exclude)
        .order_by("pk")
        .values_list("pk", "ozg_id")
    )
    chosen = rng.sample(candidates, min(OTHER_PROVIDED, len(candidates)))
    provide_generated(chosen, topics=topics, units=units, rng=rng, start=date(2022, 1, 1))


def provide_generated(
    chosen: list[tuple[int, int | None]],
    *,
    topics: dict[int, str],
    units: dict[str, OrgUnit],
    rng: random.Random,
    start: date,
    batch: int = 2000,
) -> int:
    """Mark services as provided with a level drawn from LEVEL_WEIGHTS and a history rising towards it."""
    levels, weights = zip(*LEVEL_WEIGHTS, strict=True)
    today = timezone.localdate()
    span = (today - start).days
    locals_, plans = [], []
    for service_id, ozg_id in chosen:
        level = rng.choices(levels, weights)[0]
        first = max(0, level - rng.randint(0, 2))
        steps = list(range(first, level + 1))
        days = sorted(rng.sample(range(span), len(steps)))
        target = min(4, level + rng.choice([0, 1, 1, 2])) if rng.random() < 0.6 else None
        topic = topics.get(ozg_id, "") if ozg_id is not None else ""
        unit = units.get(UNIT_BY_TOPIC.get(topic, ""))
        locals_.append(
            LocalService(
                service_id=service_id,
                provided=True,
                unit=unit,
                level=level,
                online_url=f"{PORTAL}{service_id}" if level >= 1 else "",
                cases_per_year=int(rng.lognormvariate(5, 1.4)),
                target_level=target,
                target_date=date(rng.choice([2026, 2027, 2028]), rng.choice([3, 6, 9, 12]), 28) if target else None,
            )
        )
        plans.append([(start + timedelta(days=d), lvl) for d, lvl in zip(days, steps, strict=True)])
    LocalService.objects.bulk_create(locals_, batch_size=batch)
    ids = dict(LocalService.objects.filter(service_id__in=[s for s, _ in chosen]).values_list("service_id", "pk"))
    changes = [
        LevelChange(local_id=ids[service_id], level=level, changed_on=day)
        for (service_id, _ozg), plan in zip(chosen, plans, strict=True)
        for day, level in plan
    ]
    LevelChange.objects.bulk_create(changes, batch_size=batch)
    return len(locals_)
