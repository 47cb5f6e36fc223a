"""Demo projects for Lindenfeld: the projects the column mentions, with Etappenziele and an honest log."""

from datetime import date, timedelta
from decimal import Decimal

from accounts.models import OrgUnit, User
from ideas.models import Idea
from projects.models import Decision, Kpi, LogEntry, Measurement, Milestone, Project
from projects.services import recompute_progress
from strategy.models import FieldOfAction

# title, summary, field index, unit, status, start, end, budget, spent, idea title, milestones
# milestone: (title, definition of done, due, done or None)
PROJECTS = [
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
]

LOG = {
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
    created = {}
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
