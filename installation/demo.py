"""The demo: Lindenfeld, a fictional mid-size town in North Rhine-Westphalia.

Everything here is invented; the town is marked fictional on every page. The projects
the column behind Etappe mentions (neighbourhood platform, staff ID card in the wallet,
digital time recording, desk sharing, laptops with docking stations, "Wissenshäppchen to
go") appear as fields of action and goals here and as projects in later capabilities.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from auditlog.context import set_actor
from django.db import transaction

from accounts.models import Membership, OrgUnit, Role, User
from ideas.models import Comment, Idea, Moderation, StatusChange
from ideas.services import idea_support, ideas_embed_missing
from installation.plugins import app_hooks
from municipality.models import Municipality
from participation.models import Stakeholder, Workshop
from prioritisation.demo import load_demo_prioritisation
from projects.demo import load_demo_projects
from strategy.models import FieldOfAction, GlossaryEntry, Goal, Strategy
from surveys.demo import load_demo_surveys
from twofactor.models import RoleRequirement

DEMO_PASSWORD = "etappe-demo"  # noqa: S105 - the documented demo password


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    unit: str | None = None
    is_lead: bool = False


ACCOUNTS = [
    DemoAccount("admin@lindenfeld.example", "Tobias Krüger", Role.ADMINISTRATOR, "FB 1.2"),
    DemoAccount("cdo@lindenfeld.example", "Lea Sommer", Role.STRATEGY_TEAM, "Stab SID", is_lead=True),
    DemoAccount("fachbereich@lindenfeld.example", "Jonas Becker", Role.STAFF, "FB 2.1"),
    DemoAccount("leitung@lindenfeld.example", "Petra Hahn", Role.STAFF, "FB 2", is_lead=True),
    DemoAccount("rat@lindenfeld.example", "Dr. Michael Wagner", Role.COUNCIL, "VV"),
    DemoAccount("buergerin@lindenfeld.example", "Aylin Yılmaz", Role.CITIZEN),
]

# (short name, name, parent short name, owns the strategy)
UNITS = [
    ("VV", "Verwaltungsvorstand", None, False),
    ("Stab SID", "Stab Strategie, Innovation und Digitalisierung", "VV", True),
    ("FB 1", "Fachbereich Zentrale Dienste", "VV", False),
    ("FB 1.1", "Personal und Organisation", "FB 1", False),
    ("FB 1.2", "IT-Service", "FB 1", False),
    ("FB 2", "Fachbereich Bürgerservice und Ordnung", "VV", False),
    ("FB 2.1", "Bürgerbüro", "FB 2", False),
    ("FB 2.2", "Standesamt", "FB 2", False),
    ("FB 3", "Fachbereich Stadtentwicklung und Bauen", "VV", False),
    ("FB 4", "Fachbereich Bildung, Jugend und Soziales", "VV", False),
]

VISION = """Lindenfeld ist 2030 eine Stadt, in der digitale Angebote den Alltag leichter machen – für Bürgerinnen und Bürger, für Unternehmen und für die Beschäftigten der Verwaltung.

Wir digitalisieren nicht um der Technik willen. Wir fragen zuerst, was die Menschen vor Ort brauchen, beteiligen sie von Anfang an und messen uns daran, ob Wege kürzer, Wartezeiten geringer und Entscheidungen nachvollziehbarer werden.

Wir gehen diesen Weg in Etappen: mit klaren Zwischenzielen, einem ehrlichen Blick auf das, was noch nicht funktioniert, und im Austausch mit anderen Kommunen."""

GLOSSARY = [
    (
        "Digitalisierung",
        "Für uns bedeutet Digitalisierung, Abläufe von den Menschen her neu zu denken – nicht, Papierformulare als PDF ins Netz zu stellen. Ein Vorgang gilt erst dann als digitalisiert, wenn er ohne Medienbruch von der Antragstellung bis zum Bescheid läuft.",
    ),
    (
        "Smart City",
        "Lindenfeld versteht unter Smart City eine Stadt, die Daten und vernetzte Technik nutzt, um Lebensqualität, Klimaschutz und Teilhabe zu verbessern. Nicht jede Etappe braucht einen digitalen Zwilling oder eine urbane Datenplattform.",
    ),
    (
        "Digitalkompetenz",
        "Die Fähigkeit aller Beschäftigten, digitale Werkzeuge sicher und souverän im Arbeitsalltag einzusetzen und Potenziale für bessere Abläufe zu erkennen und zu benennen.",
    ),
    (
        "Etappenziel",
        "Ein überprüfbares Zwischenziel mit Datum, an dem wir zeigen, dass ein Vorhaben vorankommt. Verfehlte Etappenziele benennen wir offen.",
    ),
    (
        "Beteiligung",
        "Bedarfe erheben wir nicht aus dem eigenen Büro heraus, sondern gemeinsam mit Bürgerschaft, Wirtschaft, Vereinen und den Fachbereichen.",
    ),
]

# field title, description, goals: (title, indicator, baseline, target, unit, target date)
# Fields of action: title, description and goals (title, indicator, baseline, target, unit, date).
FIELDS: list[tuple[str, str, list[tuple[str, str, Decimal | None, Decimal | None, str, date | None]]]] = [
    (
        "Digitale Verwaltungsleistungen",
        "Verwaltungsleistungen sollen rund um die Uhr online beantragt werden können – Ende-zu-Ende und barrierefrei.",
        [
            (
                "Die 50 meistgenutzten Leistungen sind vollständig online verfügbar",
                "Anteil der Top-50-Leistungen mit OZG-Reifegrad 3 oder höher",
                Decimal("22"),
                Decimal("100"),
                "%",
                date(2027, 12, 31),
            ),
            (
                "Termine im Bürgerbüro lassen sich online buchen",
                "Anteil online gebuchter Termine",
                Decimal("35"),
                Decimal("80"),
                "%",
                date(2026, 6, 30),
            ),
        ],
    ),
    (
        "Digitaler Arbeitsplatz",
        "Die Beschäftigten arbeiten ortsunabhängig, papierarm und mit einheitlicher Ausstattung.",
        [
            (
                "Jeder Arbeitsplatz hat Laptop und Dockingstation",
                "Anteil ausgestatteter Arbeitsplätze",
                Decimal("40"),
                Decimal("100"),
                "%",
                date(2025, 12, 31),
            ),
            (
                "Desk Sharing in allen Verwaltungsgebäuden",
                "Gebäude mit Buchungssystem für Arbeitsplätze",
                Decimal("0"),
                Decimal("4"),
                "Gebäude",
                date(2026, 12, 31),
            ),
            ("Digitale Zeiterfassung für alle Beschäftigten", "", None, None, "", None),
            ("Mitarbeitendenkarte als Wallet-Pass auf dem Smartphone", "", None, None, "", None),
        ],
    ),
    (
        "Kompetenzen und Kultur",
        "Wir stärken Digitalkompetenzen kontinuierlich und schaffen Raum, Routinen zu hinterfragen.",
        [
            (
                "Regelmäßige Lernangebote „Wissenshäppchen to go“",
                "Teilnahmen pro Jahr",
                Decimal("0"),
                Decimal("600"),
                "Teilnahmen",
                date(2026, 12, 31),
            ),
            (
                "Digitallotsinnen und -lotsen in jedem Fachbereich",
                "Fachbereiche mit Digitallotsin oder -lotse",
                Decimal("1"),
                Decimal("4"),
                "Fachbereiche",
                date(2026, 6, 30),
            ),
        ],
    ),
    (
        "Vernetzte Stadtgesellschaft",
        "Digitale Angebote verbinden Nachbarschaften, Vereine und Verwaltung – besonders in den Ortsteilen.",
        [
            (
                "Eine Nachbarschaftsplattform für alle Ortsteile",
                "Registrierte Nutzerinnen und Nutzer",
                Decimal("0"),
                Decimal("5000"),
                "Personen",
                date(2026, 12, 31),
            ),
            (
                "Bürgerinnen und Bürger bringen Ideen digital ein",
                "Eingereichte Ideen pro Jahr",
                Decimal("40"),
                Decimal("200"),
                "Ideen",
                date(2026, 12, 31),
            ),
        ],
    ),
    (
        "Daten und Infrastruktur",
        "Eine sichere, leistungsfähige Infrastruktur und offene Daten als Grundlage für alles Weitere.",
        [
            (
                "Offene Daten der Stadt im Open-Data-Portal",
                "Veröffentlichte Datensätze",
                Decimal("3"),
                Decimal("40"),
                "Datensätze",
                date(2027, 6, 30),
            ),
            (
                "Informationssicherheit nach BSI IT-Grundschutz-Profil für Kommunen",
                "",
                None,
                None,
                "",
                date(2027, 12, 31),
            ),
        ],
    ),
]


# title, description, field index, source, status path [(status, reason)], supporters, author email
IDEAS = [
    (
        "Nachbarschaftsplattform für alle Ortsteile",
        "Eine App, in der Vereine, Nachbarn und Verwaltung Neuigkeiten teilen, Hilfe anbieten und Termine ankündigen – besonders für die kleineren Ortsteile, in denen es kaum noch Aushänge gibt.",
        3,
        Idea.Source.CITIZEN,
        [
            (Idea.Status.IN_POOL, "Passt zum Handlungsfeld „Vernetzte Stadtgesellschaft“."),
            (
                Idea.Status.PRIORITISED,
                "In der Priorisierungsrunde 2024 auf Platz 1: hoher Bedarf aus der Bürgerbefragung, geringe Kosten.",
            ),
            (Idea.Status.IN_IMPLEMENTATION, "Der Rat hat die Einführung am 12.09.2024 beschlossen."),
        ],
        5,
        "buergerin@lindenfeld.example",
    ),
    (
        "Mitarbeitendenkarte als Wallet-Pass aufs Smartphone",
        "Statt einer Plastikkarte den Dienstausweis als Pass in der Wallet des Smartphones anbieten – freiwillig, für alle, die das möchten.",
        1,
        Idea.Source.STAFF,
        [
            (Idea.Status.IN_POOL, "Gute Idee für den digitalen Arbeitsplatz."),
            (Idea.Status.PRIORITISED, "Schnell umsetzbar, geringe Kosten."),
            (Idea.Status.IN_IMPLEMENTATION, "Pilot mit dem IT-Service gestartet."),
            (Idea.Status.REALISED, "Seit März 2025 für alle Beschäftigten auf Wunsch verfügbar."),
        ],
        4,
        "fachbereich@lindenfeld.example",
    ),
    (
        "Arbeitszeit digital erfassen statt Stundenzettel",
        "Die Papier-Stundenzettel kosten jeden Monat Zeit in Personalabteilung und Fachbereichen. Ein digitales System mit Terminal und App würde das vereinfachen.",
        1,
        Idea.Source.DEPARTMENT,
        [
            (Idea.Status.IN_POOL, "Aufgenommen."),
            (Idea.Status.PRIORITISED, "Rechtliche Pflicht zur Zeiterfassung erhöht die Dringlichkeit."),
        ],
        3,
        "leitung@lindenfeld.example",
    ),
    (
        "Desk Sharing im Rathaus II ausprobieren",
        "Viele Büros sind an Homeoffice-Tagen leer. Mit buchbaren Arbeitsplätzen könnten wir Flächen sparen und Teams besser zusammenbringen.",
        1,
        Idea.Source.STAFF,
        [(Idea.Status.IN_REVIEW, "Wir prüfen das zusammen mit dem Personalrat.")],
        2,
        "fachbereich@lindenfeld.example",
    ),
    (
        "Kurze Lernhäppchen zu digitalen Werkzeugen",
        "Eine halbe Stunde in der Mittagspause: Tipps und Tricks zu Videokonferenzen, Kalender, E-Akte. Regelmäßig und ohne Anmeldehürde.",
        2,
        Idea.Source.STAFF,
        [
            (Idea.Status.IN_POOL, "Aufgenommen."),
            (Idea.Status.PRIORITISED, "Wird als „Wissenshäppchen to go“ umgesetzt."),
            (Idea.Status.IN_IMPLEMENTATION, "Erste Termine stehen."),
        ],
        4,
        "cdo@lindenfeld.example",
    ),
    (
        "Parkausweis für Anwohnende online beantragen",
        "Bisher muss man für den Anwohnerparkausweis ins Bürgerbüro. Das sollte komplett online gehen, mit Bezahlung und Ausweis per E-Mail.",
        0,
        Idea.Source.CITIZEN,
        [(Idea.Status.IN_POOL, "Steht auf der Liste der Top-50-Leistungen.")],
        3,
        "buergerin@lindenfeld.example",
    ),
    (
        "Öffentliches WLAN am Marktplatz",
        "Freies WLAN am Marktplatz und im Kurpark würde Gästen und Händlern helfen.",
        4,
        Idea.Source.CITIZEN,
        [
            (
                Idea.Status.DECLINED,
                "Der Marktplatz ist bereits über das Freifunk-Netz der Stadtwerke versorgt; ein zweites Netz lohnt sich nicht.",
            )
        ],
        1,
        "buergerin@lindenfeld.example",
    ),
    (
        "Sitzungsunterlagen des Rates nur noch digital",
        "Ratsmitglieder bekommen Tablets, der Papierversand entfällt.",
        0,
        Idea.Source.WORKSHOP,
        [],
        0,
        "rat@lindenfeld.example",
    ),
]


def _load_demo_ideas(users: dict[str, User], fields: list[FieldOfAction]) -> None:
    team = users["cdo@lindenfeld.example"]
    supporters = list(users.values())
    start = datetime(2023, 9, 1, 10, 0, tzinfo=UTC)
    for number, (title, description, field_index, source, path, support_count, author_email) in enumerate(IDEAS):
        author = users[author_email]
        idea = Idea.objects.create(
            title=title,
            description=description,
            field_of_action=fields[field_index],
            source=source,
            author=author,
            moderation=Moderation.PUBLISHED,
            benefits_citizens=source in (Idea.Source.CITIZEN, Idea.Source.WORKSHOP),
            benefits_staff=source in (Idea.Source.STAFF, Idea.Source.DEPARTMENT),
            submitted_at=start + timedelta(days=45 * number),
        )
        when = idea.submitted_at
        StatusChange.objects.create(
            idea=idea, to_status=Idea.Status.SUBMITTED, reason="Eingereicht.", changed_by=author, changed_at=when
        )
        for status, reason in path:
            when += timedelta(days=60)
            StatusChange.objects.create(
                idea=idea, from_status=idea.status, to_status=status, reason=reason, changed_by=team, changed_at=when
            )
            idea.status = status
        idea.last_activity_at = when
        idea.save()
        for supporter in supporters[:support_count]:
            idea_support(idea=idea, user=supporter)
    first = Idea.objects.get(title=IDEAS[0][0])
    Comment.objects.create(
        idea=first,
        author=users["rat@lindenfeld.example"],
        text="Bitte die Vereine früh einbinden, sonst bleibt die Plattform leer.",
        moderation=Moderation.PUBLISHED,
    )
    Comment.objects.create(
        idea=first,
        author=users["buergerin@lindenfeld.example"],
        text="In Nachbardörfern läuft so etwas schon gut.",
        moderation=Moderation.PENDING,
    )
    first.comment_count = 1
    first.save(update_fields=["comment_count"])
    ideas_embed_missing()


# name, kind, category, influence, interest
STAKEHOLDERS = [
    ("Seniorenbeirat Lindenfeld", Stakeholder.Kind.GROUP, Stakeholder.Category.SOCIAL, 3, 5),
    ("Werbegemeinschaft Innenstadt", Stakeholder.Kind.ORGANISATION, Stakeholder.Category.BUSINESS, 4, 4),
    ("Heimatverein Ortsteil Nord", Stakeholder.Kind.ORGANISATION, Stakeholder.Category.ASSOCIATIONS, 2, 5),
    ("Stadtwerke Lindenfeld", Stakeholder.Kind.ORGANISATION, Stakeholder.Category.BUSINESS, 5, 3),
    ("Jugendparlament", Stakeholder.Kind.GROUP, Stakeholder.Category.POLITICS, 2, 4),
    ("Personalrat der Stadtverwaltung", Stakeholder.Kind.GROUP, Stakeholder.Category.ADMINISTRATION, 4, 5),
    ("Gesamtschule Lindenfeld", Stakeholder.Kind.ORGANISATION, Stakeholder.Category.EDUCATION, 2, 3),
]


def _load_demo_participation() -> None:
    stakeholders = {
        name: Stakeholder.objects.create(
            name=name, kind=kind, category=category, influence=influence, interest=interest
        )
        for name, kind, category, influence, interest in STAKEHOLDERS
    }
    workshop = Workshop.objects.create(
        title="Zukunftswerkstatt „Digitales Lindenfeld“",
        held_on=date(2023, 10, 14),
        place="Bürgerhaus Nord",
        participants=48,
        outcomes="Größter Wunsch: ein gemeinsamer digitaler Treffpunkt für Vereine und Nachbarschaften in den Ortsteilen. "
        "Außerdem: Termine im Bürgerbüro online buchen, Sitzbänke und WLAN im Kurpark.",
    )
    workshop.stakeholders.set(
        [
            stakeholders["Seniorenbeirat Lindenfeld"],
            stakeholders["Heimatverein Ortsteil Nord"],
            stakeholders["Jugendparlament"],
        ]
    )
    platform = Idea.objects.get(title=IDEAS[0][0])
    workshop.ideas.add(platform)
    for name in ("Seniorenbeirat Lindenfeld", "Heimatverein Ortsteil Nord"):
        stakeholders[name].ideas.add(platform)
    stakeholders["Personalrat der Stadtverwaltung"].ideas.add(Idea.objects.get(title=IDEAS[3][0]))


def load_demo() -> list[DemoAccount]:
    """Create the demo town, its organisation, one account per role and its strategy (idempotent)."""
    with transaction.atomic():
        municipality = Municipality.objects.current() or Municipality()
        municipality.name = "Lindenfeld (fiktive Stadt)"
        municipality.kind = "Stadt"
        municipality.district = "Kreis Lindenfeld"
        municipality.state = "Nordrhein-Westfalen"
        municipality.population = 54200
        municipality.ars = municipality.ags = ""
        municipality.is_fictional = True
        municipality.save()

        units: dict[str, OrgUnit] = {}
        for short, name, parent, owns in UNITS:
            units[short], _ = OrgUnit.objects.update_or_create(
                short_name=short,
                defaults={"name": name, "parent": units.get(parent) if parent else None, "is_strategy_team": owns},
            )
        users: dict[str, User] = {}
        for account in ACCOUNTS:
            user = User.objects.filter(email=account.email).first()
            if user is None:
                user = User.objects.create_user(account.email, DEMO_PASSWORD, full_name=account.name, role=account.role)
            users[account.email] = user
            if account.unit:
                Membership.objects.update_or_create(
                    user=user, unit=units[account.unit], defaults={"is_lead": account.is_lead}
                )

        if not RoleRequirement.objects.exists():
            # The demo's logins work with the password alone (a real installation requires two
            # factors of administrators and the strategy team); the administrator can require
            # them per role at /accounts/2fa/roles/, and a later start of the demo keeps that.
            RoleRequirement.objects.bulk_create(RoleRequirement(role=role, required=False) for role in Role)
            RoleRequirement.forget_cached()

        if Strategy.objects.exists():
            return ACCOUNTS
        # Recorded in the audit trail as written by the demo's Chief Digital Officer.
        with set_actor(users["cdo@lindenfeld.example"]):
            strategy = Strategy.objects.create(
                title="Digitalstrategie Lindenfeld 2030",
                summary="Gemeinsam von Rat und Verwaltung beschlossen: fünf Handlungsfelder, messbare Ziele und Etappenziele auf dem Weg zu einer Verwaltung, die einfacher, schneller und offener arbeitet.",
                vision=VISION,
                adopted_on=date(2024, 3, 14),
                adopted_by="Rat der Stadt Lindenfeld",
                decision_url="https://ratsinfo.lindenfeld.example/vorlage/2024-017",
            )
            for position, (term, definition) in enumerate(GLOSSARY):
                GlossaryEntry.objects.create(strategy=strategy, term=term, definition=definition, position=position)
            for position, (title, description, goals) in enumerate(FIELDS):
                field = FieldOfAction.objects.create(
                    strategy=strategy, title=title, description=description, position=position
                )
                for goal_position, (goal_title, indicator, baseline, target, unit, target_date) in enumerate(goals):
                    Goal.objects.create(
                        field=field,
                        title=goal_title,
                        indicator=indicator,
                        baseline_value=baseline,
                        target_value=target,
                        unit=unit,
                        target_date=target_date,
                        position=goal_position,
                    )
            _load_demo_ideas(users, list(strategy.fields_of_action.order_by("position")))
            _load_demo_participation()
            load_demo_surveys(
                team=users["cdo@lindenfeld.example"],
                field=strategy.fields_of_action.order_by("position")[0],
                stakeholders=list(Stakeholder.objects.all()),
            )
            load_demo_prioritisation(
                team=users["cdo@lindenfeld.example"],
                assessors=[
                    users[e]
                    for e in ("cdo@lindenfeld.example", "fachbereich@lindenfeld.example", "leitung@lindenfeld.example")
                ],
            )
            load_demo_projects(
                team=users["cdo@lindenfeld.example"],
                fields=list(strategy.fields_of_action.order_by("position")),
                users=users,
            )
            for hook in app_hooks("demo", "extend_demo"):
                hook(users=users)
    return ACCOUNTS
