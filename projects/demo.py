"""Demo projects for Lindenfeld: the projects the column mentions, with Etappenziele and an honest log."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from accounts.models import OrgUnit, User
from ideas.models import Idea, StatusChange
from ideas.workflow import path_to
from projects.models import Decision, Kpi, LogEntry, Measurement, Milestone, Project
from projects.services import log_status_change, recompute_progress
from strategy.models import FieldOfAction, Goal

LAPTOPS = "Laptops und Dockingstationen für alle Arbeitsplätze"
CHATBOT = "Chatbot für das Bürgerbüro"
COMMUNICATION = "Digitale Kommunikation: Videokonferenz und Team-Chat"

# milestone: (title, definition of done, due, done or None)
DemoMilestone = tuple[str, str, date, date | None]
# title, summary, field index, unit, status, start, end, budget, spent, idea title, milestones
DemoProject = tuple[str, str, int, str, Project.Status, date, date, Decimal, Decimal | None, str, list[DemoMilestone]]
PROJECTS: list[DemoProject] = [
    (
        "Nachbarschaftsplattform „Lindenfeld nebenan“",
        "Eine App für Vereine, Nachbarschaften und Verwaltung in allen Ortsteilen.",
        3,
        "Stab SID",
        Project.Status.IN_IMPLEMENTATION,
        date(2024, 6, 1),
        date(2026, 12, 31),
        Decimal(180000),
        Decimal(96500),
        "Nachbarschaftsplattform für alle Ortsteile",
        [
            (
                "Bedarf mit Vereinen geklärt",
                "Zukunftswerkstatt ausgewertet, Anforderungen mit 12 Vereinen abgestimmt.",
                date(2024, 9, 30),
                date(2024, 10, 14),
            ),
            (
                "Anbieter ausgewählt",
                "Vergabe abgeschlossen, Vertrag unterschrieben.",
                date(2025, 3, 31),
                date(2025, 4, 28),
            ),
            (
                "Pilot in Ortsteil Nord",
                "50 aktive Nutzende und 5 Vereine im Pilot.",
                date(2025, 9, 30),
                date(2025, 11, 3),
            ),
            (
                "Start in allen Ortsteilen",
                "Plattform öffentlich, Bürgerbüro schult Interessierte.",
                date(2026, 6, 30),
                None,
            ),
            ("1.000 aktive Nutzende", "Monatlich mindestens 1.000 aktive Konten.", date(2026, 12, 31), None),
        ],
    ),
    (
        "Dienstausweis im Smartphone-Wallet",
        "Der Mitarbeitendenausweis als freiwilliger Wallet-Pass.",
        1,
        "FB 1.2",
        Project.Status.COMPLETED,
        date(2024, 9, 1),
        date(2025, 6, 30),
        Decimal(25000),
        Decimal(21800),
        "Mitarbeitendenkarte als Wallet-Pass aufs Smartphone",
        [
            (
                "Datenschutz geklärt",
                "Datenschutz-Folgenabschätzung und Zustimmung des Personalrats liegen vor.",
                date(2024, 12, 15),
                date(2024, 12, 10),
            ),
            (
                "Pilot mit IT-Service",
                "30 Beschäftigte nutzen den Pass am Zugang zum Rathaus II.",
                date(2025, 3, 31),
                date(2025, 3, 20),
            ),
            (
                "Für alle verfügbar",
                "Alle Beschäftigten können den Pass im Intranet abrufen.",
                date(2025, 6, 30),
                date(2025, 6, 26),
            ),
        ],
    ),
    (
        "Digitale Zeiterfassung",
        "Terminal und App statt Papier-Stundenzettel.",
        1,
        "FB 1.1",
        Project.Status.IN_IMPLEMENTATION,
        date(2025, 1, 15),
        date(2026, 9, 30),
        Decimal(95000),
        Decimal(71000),
        "Arbeitszeit digital erfassen statt Stundenzettel",
        [
            (
                "Dienstvereinbarung",
                "Dienstvereinbarung mit dem Personalrat unterschrieben.",
                date(2025, 5, 31),
                date(2025, 7, 1),
            ),
            (
                "Terminals installiert",
                "In allen sechs Gebäuden hängt ein Terminal.",
                date(2025, 12, 31),
                date(2026, 2, 12),
            ),
            ("Papier abgeschafft", "Keine Stundenzettel mehr in der Personalabteilung.", date(2026, 9, 30), None),
        ],
    ),
    (
        "Desk Sharing im Rathaus II",
        "Buchbare Arbeitsplätze und Laptops mit Dockingstationen für zwei Etagen.",
        1,
        "FB 1",
        Project.Status.FINALISING,
        date(2025, 4, 1),
        date(2026, 3, 31),
        Decimal(60000),
        Decimal(58200),
        "Desk Sharing im Rathaus II ausprobieren",
        [
            (
                "Laptops verteilt",
                "Alle Beschäftigten der zwei Etagen arbeiten mit Laptop und Dockingstation.",
                date(2025, 8, 31),
                date(2025, 9, 12),
            ),
            (
                "Buchungssystem in Betrieb",
                "Plätze werden über den Kalender gebucht.",
                date(2025, 11, 30),
                date(2025, 11, 20),
            ),
            (
                "Auswertung",
                "Befragung der Beschäftigten ausgewertet, Entscheidung über Ausweitung vorbereitet.",
                date(2026, 3, 31),
                None,
            ),
        ],
    ),
    (
        "Wissenshäppchen to go",
        "30-Minuten-Lernformate zu digitalen Werkzeugen, live und als Aufzeichnung.",
        2,
        "FB 1.1",
        Project.Status.IN_IMPLEMENTATION,
        date(2024, 10, 1),
        date(2027, 3, 31),
        Decimal(8000),
        Decimal(3100),
        "Kurze Lernhäppchen zu digitalen Werkzeugen",
        [
            (
                "Erste Staffel",
                "Zehn Häppchen gehalten, im Schnitt 40 Teilnehmende.",
                date(2025, 3, 31),
                date(2025, 3, 27),
            ),
            (
                "Aufzeichnungen im Intranet",
                "Alle Häppchen als Video mit Untertiteln abrufbar.",
                date(2025, 9, 30),
                date(2025, 10, 8),
            ),
            ("Zweite Staffel", "Zehn weitere Häppchen, Themen aus der Beschäftigtenumfrage.", date(2026, 6, 30), None),
        ],
    ),
    (
        "Digitale Ratsarbeit",
        "Sitzungsunterlagen nur noch digital, Tablets für alle Ratsmitglieder.",
        0,
        "VV",
        Project.Status.PLANNED,
        date(2027, 1, 1),
        date(2027, 12, 31),
        Decimal(45000),
        None,
        "Sitzungsunterlagen des Rates nur noch digital",
        [("Ratsbeschluss", "Rat beschließt die papierlose Sitzung.", date(2027, 3, 31), None)],
    ),
    # The column: "einheitliche Ausstattung aller Arbeitsplätze mit Laptop und Dockingstation". The
    # demo's maturity round of October 2026 reads 70 %; the goal's date (end of 2025) was missed.
    (
        LAPTOPS,
        "Jeder Arbeitsplatz bekommt einen Laptop mit Dockingstation und zwei Bildschirmen; die Desktop-PCs gehen.",
        1,
        "FB 1.2",
        Project.Status.IN_IMPLEMENTATION,
        date(2024, 4, 1),
        date(2027, 3, 31),
        Decimal(540000),
        Decimal(412000),
        "",
        [
            (
                "Standardausstattung festgelegt",
                "Bestand aller 420 Arbeitsplätze erhoben; Laptop, Dockingstation und zwei Bildschirme als Standard "
                "mit dem Personalrat abgestimmt.",
                date(2024, 6, 30),
                date(2024, 6, 20),
            ),
            (
                "Rahmenvertrag vergeben",
                "Zuschlag erteilt, Liefertermine für alle Gebäude vereinbart.",
                date(2024, 10, 31),
                date(2024, 12, 5),
            ),
            (
                "Rathaus I ausgestattet",
                "Alle 150 Arbeitsplätze im Rathaus I arbeiten mit Laptop und Dockingstation, die alten PCs sind abgebaut.",
                date(2025, 6, 30),
                date(2025, 7, 18),
            ),
            (
                "Rathaus II und Bürgerbüro ausgestattet",
                "Alle Arbeitsplätze in Rathaus II und Bürgerbüro ausgestattet, abgestimmt mit dem Desk Sharing.",
                date(2025, 9, 30),
                date(2025, 10, 10),
            ),
            (
                "Bauhof und Stadtbücherei ausgestattet",
                "Beide Außenstellen am Glasfasernetz; alle Arbeitsplätze dort mit Laptop und Dockingstation.",
                date(2025, 12, 31),
                date(2026, 11, 13),
            ),
            (
                "Alle Arbeitsplätze ausgestattet",
                "Auch die Kitas sind ausgestattet; kein Desktop-PC mehr im Einsatz.",
                date(2027, 3, 31),
                None,
            ),
        ],
    ),
    # The column: "digitale Kommunikation" among what is already in everyday use.
    (
        COMMUNICATION,
        "Videokonferenzen und ein Team-Chat für alle Beschäftigten, betrieben im eigenen Rechenzentrum.",
        1,
        "FB 1.2",
        Project.Status.COMPLETED,
        date(2024, 5, 1),
        date(2025, 2, 28),
        Decimal(38000),
        Decimal(35400),
        "",
        [
            (
                "Dienstvereinbarung",
                "Regeln für Chat und Videokonferenz mit dem Personalrat vereinbart: keine Anwesenheitskontrolle.",
                date(2024, 7, 31),
                date(2024, 7, 25),
            ),
            (
                "Alle Besprechungsräume ausgestattet",
                "Kamera, Mikrofon und Bildschirm in allen zwölf Besprechungsräumen.",
                date(2024, 11, 30),
                date(2024, 12, 9),
            ),
            (
                "Team-Chat für alle",
                "Jede und jeder Beschäftigte hat ein Konto; jeder Fachbereich hat seine Kanäle.",
                date(2025, 2, 28),
                date(2025, 2, 20),
            ),
        ],
    ),
    # Failure is shown as openly as success: stopped after the pilot, with its reason and its lesson
    # (lessons/demo.py: "Warum unser Chatbot gescheitert ist").
    (
        CHATBOT,
        "Ein Chatbot für Standardfragen im Bürgerbüro – nach dem Pilot eingestellt.",
        0,
        "FB 2.1",
        Project.Status.STOPPED,
        date(2024, 9, 1),
        date(2025, 6, 30),
        Decimal(20000),
        Decimal(18500),
        "",
        [
            (
                "Häufige Fragen gesammelt",
                "Die 120 häufigsten Fragen zu Terminen, Gebühren und Unterlagen sind mit Antworten erfasst.",
                date(2024, 10, 31),
                date(2024, 10, 25),
            ),
            (
                "Pilot auf der Website",
                "Der Chatbot beantwortet auf der Website Fragen zum Bürgerbüro.",
                date(2024, 12, 15),
                date(2025, 1, 8),
            ),
            (
                "Zwei Drittel der Fragen beantwortet",
                "Mindestens zwei von drei Gesprächen enden mit einer passenden Antwort.",
                date(2025, 3, 31),
                None,
            ),
        ],
    ),
]

# Status changes with their public reason: the date, who decided (body, reference, note), and why.
STATUS_CHANGES = {
    CHATBOT: (
        date(2025, 3, 31),
        "Lenkungskreis Digitalisierung",
        "LK-2025-04",
        "Abbruch nach dem Pilot beschlossen.",
        "Nach drei Monaten Pilot brachen zwei Drittel der Gespräche ohne Antwort ab: Der Chatbot verstand "
        "Umgangssprache und Tippfehler schlecht, und die Pflege der Antworten war keiner Stelle zugeordnet. Der "
        "Lenkungskreis hat das Projekt deshalb eingestellt. Die gesammelten Fragen und Antworten stehen weiter als "
        "FAQ auf der Website.",
    ),
}

LOG = {
    CHATBOT: [
        (
            date(2025, 1, 8),
            LogEntry.Light.GREEN,
            "Pilot auf der Website gestartet; in der ersten Woche gab es 900 Gespräche.",
            "Auswerten, welche Fragen der Chatbot nicht versteht.",
            "",
        ),
        (
            date(2025, 2, 28),
            LogEntry.Light.RED,
            "Nur gut ein Drittel der Gespräche endet mit einer passenden Antwort. Der Anbieter bessert nur nach, wenn "
            "er die Gesprächsprotokolle für sein eigenes Training nutzen darf – das lehnen wir ab.",
            "Entscheidung des Lenkungskreises über einen Abbruch vorbereiten.",
            "Die Pflege der Antworten ist keiner Stelle im Bürgerbüro zugeordnet.",
        ),
    ],
    LAPTOPS: [
        (
            date(2024, 12, 5),
            LogEntry.Light.YELLOW,
            "Rahmenvertrag fünf Wochen später als geplant vergeben: Eine Bieterfrage zur Dockingstation verlängerte "
            "die Angebotsfrist.",
            "Reihenfolge der Gebäude mit den Fachbereichen abstimmen, Rathaus I zuerst.",
            "",
        ),
        (
            date(2025, 10, 10),
            LogEntry.Light.GREEN,
            "Rathaus I, Rathaus II und Bürgerbüro sind ausgestattet: 70 % der Arbeitsplätze arbeiten mit Laptop und "
            "Dockingstation. Die alten PCs gehen an einen gemeinnützigen Verein, der sie aufbereitet.",
            "Bauhof und Stadtbücherei bis Jahresende ausstatten.",
            "",
        ),
        (
            date(2026, 1, 20),
            LogEntry.Light.RED,
            "Das Ziel „jeder Arbeitsplatz bis Ende 2025“ ist verfehlt: In Bauhof, Stadtbücherei und Kitas reicht die "
            "Netzanbindung nicht für die Arbeit mit Laptop und VPN.",
            "Glasfaseranschluss der Außenstellen mit den Stadtwerken planen; neuer Endtermin 31.03.2027.",
            "Glasfaserausbau der Stadtwerke.",
        ),
        (
            date(2026, 11, 16),
            LogEntry.Light.YELLOW,
            "Bauhof und Stadtbücherei sind am Glasfasernetz und ausgestattet; jetzt arbeiten 78 % der Arbeitsplätze "
            "mit Laptop und Dockingstation.",
            "Die Kitas ausstatten, sobald sie angeschlossen sind (erstes Quartal 2027).",
            "Anschluss der Kitas.",
        ),
    ],
    COMMUNICATION: [
        (
            date(2025, 2, 20),
            LogEntry.Light.GREEN,
            "Team-Chat für alle freigeschaltet; in der ersten Woche haben sich 310 Beschäftigte angemeldet.",
            "Lernformat zu Videokonferenzen im „Wissenshäppchen to go“ anbieten.",
            "",
        ),
    ],
    "Nachbarschaftsplattform „Lindenfeld nebenan“": [
        (
            date(2025, 11, 3),
            LogEntry.Light.GREEN,
            "Pilot in Ortsteil Nord gestartet, 64 Nutzende in der ersten Woche.",
            "Rückmeldungen der Vereine sammeln.",
            "",
        ),
        (
            date(2026, 7, 15),
            LogEntry.Light.YELLOW,
            "Start in allen Ortsteilen verschoben: Die Barrierefreiheitsprüfung hat Mängel gefunden.",
            "Anbieter behebt die Mängel bis September.",
            "Abhängig vom Anbieter.",
        ),
    ],
    "Digitale Zeiterfassung": [
        (
            date(2025, 7, 1),
            LogEntry.Light.YELLOW,
            "Dienstvereinbarung einen Monat später als geplant unterschrieben.",
            "Terminals bestellen.",
            "",
        ),
        (
            date(2026, 2, 12),
            LogEntry.Light.RED,
            "Terminals erst jetzt installiert: Lieferengpass beim Hersteller. Der Zeitplan für das Ende der Papierzettel ist nicht zu halten.",
            "Neuen Termin mit dem Personalrat abstimmen.",
            "Schnittstelle zur Lohnabrechnung fehlt noch.",
        ),
    ],
    "Desk Sharing im Rathaus II": [
        (
            date(2025, 11, 20),
            LogEntry.Light.GREEN,
            "Buchungssystem läuft; die Auslastung liegt bei 70 %.",
            "Befragung vorbereiten.",
            "",
        ),
    ],
}


def load_demo_projects(*, team: User, fields: list[FieldOfAction], users: dict[str, User]) -> None:
    units = {u.short_name: u for u in OrgUnit.objects.all()}
    created: dict[str, Project] = {}
    for title, summary, field_index, unit, status, start, end, budget, spent, idea_title, milestones in PROJECTS:
        project = Project.objects.create(
            title=title,
            summary=summary,
            unit=units.get(unit),
            lead=team if field_index in (2, 3) else users["leitung@lindenfeld.example"],
            status=status,
            planned_start=start,
            planned_end=end,
            actual_start=start if status != Project.Status.PLANNED else None,
            actual_end=end if status == Project.Status.COMPLETED else None,
            budget_planned=budget,
            budget_spent=spent,
            funding="Förderprogramm Digitale Kommune" if field_index == 3 else "",
        )
        project.fields_of_action.add(fields[field_index])
        project.members.add(users["fachbereich@lindenfeld.example"])
        idea = Idea.objects.filter(title=idea_title).first()
        if idea:
            project.ideas.add(idea)
            decision = Decision.objects.create(
                project=project,
                decided_on=start - timedelta(days=30),
                body="Lenkungskreis Digitalisierung",
                reference=f"LK-{start.year}-{len(created) + 3:02d}",
                recorded_by=team,
            )
            decision.ideas.add(idea)
            _idea_follows_project(idea, project, decided_on=decision.decided_on, by=team)
        for milestone_title, done_when, due_on, done_on in milestones:
            Milestone.objects.create(
                project=project, title=milestone_title, definition_of_done=done_when, due_on=due_on, done_on=done_on
            )
        for day, light, happened, next_steps, blockers in LOG.get(title, []):
            LogEntry.objects.create(
                project=project,
                author=users["fachbereich@lindenfeld.example"],
                entry_date=day,
                light=light,
                happened=happened,
                next_steps=next_steps,
                blockers=blockers,
            )
            project.last_traffic_light = light
        project.save(update_fields=["last_traffic_light"])
        recompute_progress(project)
        created[title] = project
    platform = created["Nachbarschaftsplattform „Lindenfeld nebenan“"]
    kpi = Kpi.objects.create(project=platform, name="Aktive Nutzende pro Monat", baseline=0, target=1000)
    for day, value in [
        (date(2025, 11, 30), 64),
        (date(2025, 12, 31), 140),
        (date(2026, 3, 31), 260),
        (date(2026, 6, 30), 310),
        (date(2026, 9, 30), 480),
    ]:
        Measurement.objects.create(kpi=kpi, measured_on=day, value=value)
    created["Digitale Ratsarbeit"].depends_on.add(created["Desk Sharing im Rathaus II"])
    _demo_strategy_projects(created, team=team, users=users)
    _demo_status_changes(created, team=team)


def _demo_status_changes(created: dict[str, Project], *, team: User) -> None:
    """Stopped projects: the decision, the end date, the public reason and its entry in the progress log."""
    for title, (day, body, reference, note, reason) in STATUS_CHANGES.items():
        project = created[title]
        Decision.objects.create(
            project=project,
            decided_on=day,
            body=body,
            reference=reference,
            note=note,
            recorded_by=team,
        )
        project.status_reason = reason
        project.actual_end = day
        project.save(update_fields=["status_reason", "actual_end"])
        log_status_change(project=project, by=team, on=day)
    chatbot = created[CHATBOT]
    kpi = Kpi.objects.create(project=chatbot, name="Gespräche mit passender Antwort", unit="%", baseline=0, target=67)
    for day, value in [(date(2025, 1, 31), 41), (date(2025, 2, 28), 36), (date(2025, 3, 31), 33)]:
        Measurement.objects.create(kpi=kpi, measured_on=day, value=value)


def _demo_strategy_projects(created: dict[str, Project], *, team: User, users: dict[str, User]) -> None:
    """The projects that came with the strategy itself (no idea behind them): decision, goal, lead, key figure."""
    for title in (LAPTOPS, COMMUNICATION):
        Decision.objects.create(
            project=created[title],
            decided_on=date(2024, 3, 14),
            body="Rat der Stadt Lindenfeld",
            reference="Vorlage 2024-017",
            note="Als Maßnahme im Handlungsfeld „Digitaler Arbeitsplatz“ mit der Digitalstrategie beschlossen.",
            recorded_by=team,
        )
        created[title].lead = users["admin@lindenfeld.example"]
        created[title].save(update_fields=["lead"])
    laptops = created[LAPTOPS]
    laptops.goals.add(*Goal.objects.filter(title="Jeder Arbeitsplatz hat Laptop und Dockingstation"))
    # Desk sharing needs laptops: its first stage goal was handing them out on its two floors.
    created["Desk Sharing im Rathaus II"].depends_on.add(laptops)
    kpi = Kpi.objects.create(
        project=laptops, name="Arbeitsplätze mit Laptop und Dockingstation", unit="%", baseline=40, target=100
    )
    for day, value in [
        (date(2024, 12, 31), 42),
        (date(2025, 7, 31), 58),
        (date(2025, 10, 31), 70),
        (date(2026, 3, 31), 70),
        (date(2026, 11, 30), 78),
    ]:
        Measurement.objects.create(kpi=kpi, measured_on=day, value=value)


def _idea_follows_project(idea: Idea, project: Project, *, decided_on: date, by: User) -> None:
    """Bring the idea behind a demo project to the status the workflow gives it (projects.services
    `decide` and `follow_project_status`): prioritised when decided, in implementation while the
    project runs, realised once it is completed; a stopped project leaves its idea as it is."""
    if project.is_running:
        target = Idea.Status.IN_IMPLEMENTATION
    elif project.status == Project.Status.COMPLETED:
        target = Idea.Status.REALISED
    elif project.status == Project.Status.PLANNED:
        target = Idea.Status.PRIORITISED
    else:
        return
    decided = datetime.combine(decided_on, time(10, 0), tzinfo=UTC)
    steps: dict[str, tuple[datetime, str]] = {
        Idea.Status.IN_REVIEW: (decided - timedelta(days=14), "Wird geprüft."),
        Idea.Status.IN_POOL: (decided - timedelta(days=7), "Aufgenommen."),
        Idea.Status.PRIORITISED: (
            decided,
            f"Beschlossen vom Lenkungskreis Digitalisierung: wird das Projekt „{project.title}“.",
        ),
        Idea.Status.IN_IMPLEMENTATION: (
            datetime.combine(project.actual_start or decided_on, time(10, 0), tzinfo=UTC),
            f"Das Projekt „{project.title}“ wird umgesetzt.",
        ),
        Idea.Status.REALISED: (
            datetime.combine(project.actual_end or decided_on, time(10, 0), tzinfo=UTC),
            f"Das Projekt „{project.title}“ ist abgeschlossen.",
        ),
    }
    for step in path_to(idea.status, target):
        when, reason = steps[step]
        StatusChange.objects.create(
            idea=idea, from_status=idea.status, to_status=step, reason=reason, changed_by=by, changed_at=when
        )
        idea.status = step
    Idea.objects.filter(pk=idea.pk).update(status=idea.status)
