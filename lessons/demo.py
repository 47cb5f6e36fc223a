"""Lessons learned of the demo town Lindenfeld: successes, a partial success, a failure, one about the process."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from auditlog.context import set_actor

from accounts.models import User
from lessons.models import Lesson, Tag
from projects.models import Project

# Keyword arguments for Lesson.objects.create(), plus "project" (a title), "tags" and "published".
LESSONS: list[dict[str, Any]] = [
    {
        "project": "Dienstausweis im Smartphone-Wallet",
        "title": "Wallet-Pass: klein anfangen, früh mit dem Personalrat sprechen",
        "outcome": Lesson.Outcome.SUCCESS,
        "visibility": Lesson.Visibility.NETWORK,
        "context": "Der Dienstausweis sollte als freiwilliger Pass im Smartphone-Wallet verfügbar sein, damit Beschäftigte "
        "ihn beim Zutritt und in der Kantine nicht mehr vergessen.",
        "what_worked": "Ein Pilot mit 40 Freiwilligen aus drei Fachbereichen; ein einseitiges Merkblatt statt einer Schulung; "
        "der Pass wurde über das bestehende Ausweissystem erzeugt, ohne neue Software.",
        "what_did_not": "Ältere Android-Geräte zeigten den Pass nicht zuverlässig an. Wir mussten den Plastikausweis "
        "als gleichwertige Alternative ausdrücklich zusichern.",
        "resistance": "Der Personalrat befürchtete eine Kontrolle von Anwesenheiten. Wir haben die Datenflüsse offengelegt "
        "und in einer Dienstvereinbarung festgehalten, dass keine Bewegungsdaten gespeichert werden.",
        "do_differently": "Den Personalrat schon bei der Idee einbinden, nicht erst beim Pilot.",
        "cost_and_effort": "Rund 12 Personentage im Hauptamt und in der IT, 3.800 € für die Erweiterung des Ausweissystems.",
        "cost_eur": Decimal("3800"),
        "effort_person_days": 12,
        "advice": "Freiwilligkeit betonen, Datenschutz schriftlich regeln, mit einem kleinen Kreis beginnen.",
        "contact_allowed": True,
        "tags": ["Personalrat", "Pilot", "Mitarbeitende"],
        "published": datetime(2025, 11, 20, 9, 0, tzinfo=UTC),
    },
    {
        "project": "Chatbot für das Bürgerbüro",
        "title": "Warum unser Chatbot gescheitert ist",
        "outcome": Lesson.Outcome.FAILED,
        "visibility": Lesson.Visibility.NETWORK,
        "context": "Ein Chatbot sollte Standardfragen zu Terminen, Gebühren und Unterlagen im Bürgerbüro beantworten und "
        "das Telefon entlasten.",
        "what_worked": "Die Sammlung der 120 häufigsten Fragen war wertvoll: Sie steht heute als FAQ auf der Website und "
        "wird rege genutzt.",
        "what_did_not": "Der Bot verstand Umgangssprache und Tippfehler schlecht; nach drei Monaten brachen zwei Drittel "
        "der Gespräche ohne Antwort ab. Die Pflege der Antworten hatte niemand im Fachbereich als Aufgabe.",
        "resistance": "Kaum Widerstand – eher zu viel Begeisterung am Anfang. Kritische Fragen zum Betrieb wurden nicht gestellt.",
        "conflicts": "Der Anbieter wollte die Gesprächsprotokolle für das eigene Training nutzen. Das haben wir abgelehnt; "
        "danach sank seine Bereitschaft, nachzubessern.",
        "do_differently": "Erst die FAQ verbessern und messen, welche Fragen wirklich ankommen. Die Pflege vor dem Start "
        "einer Stelle zuordnen. Einen Ausstieg mit Kriterien vereinbaren.",
        "cost_and_effort": "18.500 € Lizenz und Einrichtung, etwa 30 Personentage. Das Geld für die Lizenz ist verloren.",
        "cost_eur": Decimal("18500"),
        "effort_person_days": 30,
        "advice": "Ein Chatbot ersetzt keine gute Information. Vereinbaren Sie messbare Ziele und einen Abbruchpunkt, bevor "
        "Sie beginnen.",
        "contact_allowed": True,
        "tags": ["Bürgerbüro", "Künstliche Intelligenz", "Vergabe"],
        "published": datetime(2026, 2, 3, 10, 0, tzinfo=UTC),
    },
    {
        "project": "Desk Sharing im Rathaus II",
        "title": "Desk Sharing: Buchungstool gut, Regeln zu spät",
        "outcome": Lesson.Outcome.PARTIAL,
        "visibility": Lesson.Visibility.PUBLIC,
        "context": "Im Rathaus II teilen sich zwei Fachbereiche 60 Arbeitsplätze; ein Buchungstool sollte das Miteinander regeln.",
        "what_worked": "Das Buchungstool wurde schnell angenommen; die Auslastung ist sichtbar und hilft bei der Raumplanung.",
        "what_did_not": "Ohne gemeinsame Regeln (Clean Desk, Teamtage) gab es Ärger um Lieblingsplätze.",
        "resistance": "Teams mit viel Publikumsverkehr wollten feste Plätze. Wir haben feste Zonen für sie eingerichtet.",
        "do_differently": "Regeln mit den Teams vor dem Start vereinbaren, nicht danach.",
        "cost_and_effort": "6 Personentage, Lizenz 1.200 € im Jahr.",
        "cost_eur": Decimal("1200"),
        "effort_person_days": 6,
        "advice": "Die Technik ist der leichte Teil.",
        "contact_allowed": False,
        "tags": ["Arbeitsplatz", "Change Management"],
        "published": datetime(2026, 5, 12, 8, 30, tzinfo=UTC),
    },
    {
        "project": None,
        "title": "Die Strategie gemeinsam schreiben dauert länger – und trägt weiter",
        "outcome": Lesson.Outcome.SUCCESS,
        "visibility": Lesson.Visibility.NETWORK,
        "context": "Die Digitalstrategie entstand nicht im Büro, sondern mit Fachbereichen, Rat und Bürgerschaft: "
        "vier Werkstätten, eine Umfrage und ein offener Ideenpool.",
        "what_worked": "Die Fachbereiche haben ihre eigenen Ziele formuliert und verteidigen sie heute im Rat.",
        "what_did_not": "Die Umfrage erreichte junge Menschen kaum.",
        "resistance": "Einzelne Führungskräfte sahen die Beteiligung als Zeitverschwendung; die ersten Etappenziele haben "
        "sie überzeugt.",
        "do_differently": "Früher in Schulen und Vereine gehen.",
        "cost_and_effort": "Etwa 9 Monate statt der geplanten 5, rund 60 Personentage im Stab.",
        "effort_person_days": 60,
        "advice": "Lieber langsamer und gemeinsam: Eine Strategie, die niemand mitgeschrieben hat, liest auch niemand.",
        "contact_allowed": True,
        "tags": ["Beteiligung", "Strategieprozess"],
        "published": datetime(2025, 6, 2, 9, 0, tzinfo=UTC),
    },
    {
        "project": "Digitale Zeiterfassung",
        "title": "Zeiterfassung: erste Erfahrungen aus dem Pilot",
        "outcome": Lesson.Outcome.TOO_EARLY,
        "visibility": Lesson.Visibility.INTERNAL,
        "state": Lesson.State.IN_REVIEW,
        "context": "Der Pilot der digitalen Zeiterfassung läuft seit drei Monaten im Bauhof und im Bürgerbüro.",
        "what_worked": "Die Terminals am Eingang werden gut genutzt.",
        "what_did_not": "Die App ist für Beschäftigte ohne Diensthandy keine Option.",
        "tags": ["Mitarbeitende"],
        "published": None,
    },
]


def extend_demo(*, users: dict[str, User]) -> None:
    team = users["cdo@lindenfeld.example"]
    author = users["fachbereich@lindenfeld.example"]
    with set_actor(team):
        for row in LESSONS:
            row = dict(row)
            project_title = row.pop("project")
            tag_names = row.pop("tags")
            published = row.pop("published")
            state = row.pop("state", Lesson.State.PUBLISHED)
            project = _project(project_title) if project_title else None
            lesson = Lesson.objects.create(
                **row,
                scope=Lesson.Scope.PROJECT if project else Lesson.Scope.STRATEGY,
                project=project,
                state=state,
                published_at=published,
                reviewed_by=team if published else None,
                created_by=author,
                created_at=published or datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
            )
            lesson.authors.add(author if project else team)
            lesson.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tag_names])
            if project:
                lesson.fields_of_action.set(project.fields_of_action.all())


def _project(title: str) -> Project:
    """The demo project (projects/demo.py) a lesson is about."""
    return Project.objects.get(title__startswith=title)
