"""Digital maturity in the demo town Lindenfeld: targets, a closed round of 2025 and the current round.

The closed round has three respondents, the current one two, from different units, so results show
spread and the current round shows progress against the previous one. Jonas Becker (Bürgerbüro)
has not answered the current round yet: log in as him to try the questionnaire.

Lindenfeld shares its aggregates (the 2025 round, three respondents). Six fictional neighbours that
do the same were "received" through the same checks as a real sync (schema, pinned key,
signature), so the results pages show the median of other municipalities. Their installations do
not exist; they are inactive peers whose last error says so.
"""

from datetime import date, datetime, time

from auditlog.context import set_actor
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from exchange.models import Peer
from exchange.samples import FakeInstallation
from maturity.models import Item, Questionnaire, Response, Round, Settings, Target
from maturity.peering import accept_aggregate
from maturity.samples import aggregate_document
from maturity.services import AnswerInput, questionnaire_load_default, response_save, round_create
from maturity.sharing import fingerprint

# dimension key → (target level, horizon)
TARGETS = {
    "strategy": ("3.5", date(2027, 12, 31)),
    "organisation": ("3.0", date(2027, 12, 31)),
    "competences": ("3.0", date(2027, 6, 30)),
    "workplace": ("3.5", date(2027, 12, 31)),
    "processes": ("3.0", date(2028, 12, 31)),
    "data": ("2.5", date(2028, 12, 31)),
    "participation": ("3.0", date(2028, 12, 31)),
    "security": ("3.5", date(2027, 6, 30)),
}

# Per respondent: the scores of the 24 items in questionnaire order (three per dimension).
ROUND_2025 = {
    "admin@lindenfeld.example": [2, 1, 1, 2, 1, 1, 2, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 0, 1, 1, 0, 2, 2, 1],
    "fachbereich@lindenfeld.example": [1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0],
}
# A third respondent in 2025 (scores only), so the round reaches the minimum for sharing.
ROUND_2025_WITHOUT_NOTES = [2, 1, 2, 1, 1, 1, 1, 1, 0, 2, 1, 1, 1, 2, 1, 0, 1, 0, 1, 1, 0, 1, 2, 1]
ROUND_2026 = {
    "cdo@lindenfeld.example": [3, 3, 3, 2, 3, 2, 2, 3, 1, 3, 3, 2, 2, 2, 1, 1, 1, 1, 3, 2, 1, 2, 3, 2],
    "leitung@lindenfeld.example": [3, 2, 2, 2, 2, 1, 2, 2, 1, 3, 2, 2, 2, 2, 1, 1, 1, 0, 2, 2, 1, 2, 2, 2],
}
UNITS = {
    "admin@lindenfeld.example": "FB 1.2",
    "fachbereich@lindenfeld.example": "FB 2.1",
    "cdo@lindenfeld.example": "Stab SID",
    "leitung@lindenfeld.example": "FB 2",
}
# (respondent, item number 0–23) → evidence note; Petra Hahn (leitung@) answers 2025 without notes
EVIDENCE = {
    (
        "admin@lindenfeld.example",
        0,
    ): "Die Digitalstrategie ist seit März 2024 beschlossen; Kennzahlen werden noch nicht gemessen.",
    ("admin@lindenfeld.example", 9): "Laptops haben bisher nur die Amtsleitungen, der Rest arbeitet an Desktop-PCs.",
    (
        "fachbereich@lindenfeld.example",
        12,
    ): "Im Bürgerbüro ist nur die Terminbuchung online; Anträge kommen auf Papier.",
    ("fachbereich@lindenfeld.example", 6): "Schulungen gab es nur bei der Einführung des neuen Meldeverfahrens.",
    ("cdo@lindenfeld.example", 0): "Erster Fortschrittsbericht an den Rat im Januar 2026, mit Etappenzielen.",
    (
        "cdo@lindenfeld.example",
        7,
    ): "„Wissenshäppchen to go“ läuft seit Herbst 2025 monatlich, im Schnitt 12 Teilnehmende.",
    ("cdo@lindenfeld.example", 9): "Rollout Laptop mit Dockingstation: 70 % der Arbeitsplätze ausgestattet.",
    (
        "leitung@lindenfeld.example",
        12,
    ): "Online-Terminbuchung und Wohnsitzanmeldung laufen digital, der Rest noch nicht.",
    (
        "leitung@lindenfeld.example",
        17,
    ): "Es gibt keine offenen Daten; das Geoportal des Kreises ist unser einziger Bezug.",
}


# Fictional neighbours sharing their aggregates: name, federal state, mean per dimension key.
NEIGHBOURS = [
    ("Ahornfeld (fiktiv)", "Niedersachsen", [2.4, 1.9, 1.6, 2.8, 2.1, 1.3, 1.5, 2.6]),
    ("Birkenau am See (fiktiv)", "Bayern", [1.8, 1.5, 1.2, 2.2, 1.7, 0.9, 1.1, 2.0]),
    ("Eichstedt (fiktiv)", "Sachsen-Anhalt", [1.2, 1.4, 1.0, 1.9, 1.3, 0.7, 0.8, 1.6]),
    ("Kastanienbruck (fiktiv)", "Hessen", [2.9, 2.3, 2.0, 3.1, 2.6, 1.8, 2.2, 2.9]),
    ("Weidenbach (fiktiv)", "Rheinland-Pfalz", [1.6, 1.8, 1.4, 2.4, 1.5, 1.1, 1.3, 2.2]),
    ("Ulmenau (fiktiv)", "Thüringen", [2.1, 1.7, 1.5, 2.5, 1.9, 1.2, 1.6, 2.3]),
]


def _answer(
    round: Round, users: dict[str, User], scores: dict[str, list[int]], submitted_at: datetime, *, notes: bool = True
) -> None:
    items = list(
        Item.objects.filter(dimension__questionnaire=round.questionnaire).order_by(
            "dimension__position", "dimension__pk", "position", "pk"
        )
    )
    for email, values in scores.items():
        user = users[email]
        unit = user.units.filter(short_name=UNITS[email]).first()
        answers = [
            AnswerInput(item_id=item.pk, score=score, evidence=EVIDENCE.get((email, number), "") if notes else "")
            for number, (item, score) in enumerate(zip(items, values, strict=False))
        ]
        response_save(round=round, user=user, unit=unit, answers=answers, submit=True)
        Response.objects.filter(round=round, user=user).update(submitted_at=submitted_at)


def extend_demo(*, users: dict[str, User]) -> None:
    team = users["cdo@lindenfeld.example"]
    with set_actor(team):
        questionnaire_load_default(by=team)
        for key, (level, horizon) in TARGETS.items():
            Target.objects.create(dimension_key=key, level=level, horizon=horizon)
        earlier = round_create(
            round=Round(
                title="Digitalgrad 2025",
                description="Erste Selbsteinschätzung nach dem Beschluss der Digitalstrategie.",
                opens_on=date(2025, 3, 3),
                closes_on=date(2025, 3, 31),
            ),
            by=team,
        )
        _answer(earlier, users, ROUND_2025, timezone.make_aware(datetime.combine(date(2025, 3, 20), time(10))))
        _answer(
            earlier,
            users,
            {"leitung@lindenfeld.example": ROUND_2025_WITHOUT_NOTES},
            timezone.make_aware(datetime.combine(date(2025, 3, 24), time(14))),
            notes=False,
        )
        earlier.state = Round.State.CLOSED
        earlier.save(update_fields=["state"])
        current = round_create(
            round=Round(
                title="Digitalgrad 2026",
                description="Zweite Runde: Wo stehen wir ein Jahr später? Bitte bis Ende des Jahres beantworten.",
                opens_on=date(2026, 10, 1),
                closes_on=date(2026, 12, 31),
            ),
            by=team,
        )
        _answer(current, users, ROUND_2026, timezone.make_aware(datetime.combine(date(2026, 10, 12), time(9))))
        Settings.objects.update_or_create(pk=1, defaults={"share_aggregates": True})
    _neighbours()


# A neighbour's name in its (made-up) address: umlauts as two letters.
_UMLAUTS: dict[str, str | int | None] = {"ä": "ae", "ö": "oe", "ü": "ue"}


def _neighbours() -> None:
    """Aggregates of fictional neighbours on the same (default) questionnaire, checked like a real sync."""
    questionnaire = Questionnaire.objects.get(version=1)
    code = fingerprint(questionnaire.dimensions.prefetch_related("items"))
    keys = list(questionnaire.dimensions.values_list("key", flat=True))
    for name, state, means in NEIGHBOURS:
        town = FakeInstallation(name=name, ars="", state=state)
        slug = name.split(" (")[0].lower().replace(" ", "-").translate(str.maketrans(_UMLAUTS))
        peer = Peer.objects.create(
            url=f"https://etappe.{slug}.example",
            name=name,
            state=state,
            public_key=town.public_key,
            active=False,
            last_error=_("Demo: this installation does not exist; its maturity aggregate was loaded with the demo."),
            last_error_at=timezone.now(),
        )
        accept_aggregate(peer, aggregate_document(town, questionnaire=code, means=dict(zip(keys, means, strict=True))))
