"""Demo prioritisation for Lindenfeld: the default criteria and the closed round of 2024.

Three assessors (the CDO, a clerk of the Bürgerbüro and the head of FB 2) scored six ideas; the
desk-sharing idea splits them, so the spread is visible at once.
"""

from datetime import UTC, date, datetime

from accounts.models import User
from ideas.models import Idea
from prioritisation.models import Candidate, Criterion, PriorityRound
from prioritisation.services import (
    ScoreEntry,
    criteria_load_defaults,
    round_close,
    round_save,
    round_start_scoring,
    scores_save,
)

# Scores per assessor in the order of the scored default criteria:
# strategic fit, benefit for citizens, benefit for staff, effort, cost, risk, urgency, readiness.
SCORES = {
    "Nachbarschaftsplattform für alle Ortsteile": [
        [5, 5, 2, 3, 2, 3, 3, 4],
        [4, 5, 2, 3, 2, 2, 3, 4],
        [5, 4, 2, 4, 2, 3, 3, 3],
    ],
    "Mitarbeitendenkarte als Wallet-Pass aufs Smartphone": [
        [3, 1, 4, 2, 1, 2, 2, 5],
        [3, 1, 5, 1, 1, 2, 2, 5],
        [2, 1, 4, 2, 2, 3, 1, 4],
    ],
    "Arbeitszeit digital erfassen statt Stundenzettel": [
        [4, 1, 5, 5, 4, 3, 5, 3],
        [3, 1, 4, 4, 4, 3, 5, 2],
        [4, 1, 5, 5, 5, 4, 5, 3],
    ],
    "Desk Sharing im Rathaus II ausprobieren": [
        [4, 1, 4, 3, 2, 4, 2, 2],
        [2, 1, 1, 4, 3, 5, 1, 1],
        [5, 1, 5, 1, 1, 2, 3, 4],
    ],
    "Kurze Lernhäppchen zu digitalen Werkzeugen": [
        [4, 2, 4, 1, 1, 1, 2, 5],
        [4, 1, 4, 1, 1, 1, 2, 5],
        [3, 1, 3, 2, 1, 1, 2, 4],
    ],
    "Parkausweis für Anwohnende online beantragen": [
        [5, 4, 3, 3, 3, 2, 4, 3],
        [4, 5, 4, 3, 2, 2, 5, 3],
        [4, 4, 3, 4, 3, 3, 4, 2],
    ],
}

# The ideas the team prioritised when it closed the round.
PRIORITISED = {
    "Nachbarschaftsplattform für alle Ortsteile",
    "Mitarbeitendenkarte als Wallet-Pass aufs Smartphone",
    "Arbeitszeit digital erfassen statt Stundenzettel",
    "Kurze Lernhäppchen zu digitalen Werkzeugen",
}

# (idea, assessor index, criterion index in SCORES, reason)
REASONS = [
    (0, 0, 0, "Zahlt direkt auf das Handlungsfeld „Vernetzte Stadtgesellschaft“ ein."),
    (0, 1, 4, "Andere Kommunen nutzen erprobte Lösungen zu überschaubaren Lizenzkosten."),
    (0, 2, 3, "Ohne Kümmerer in den Ortsteilen bleibt die Plattform leer – das kostet Zeit."),
    (1, 1, 3, "Den Ausweis-Server gibt es schon, es fehlt nur der Export als Pass."),
    (1, 2, 5, "Datenschutz klären: Welche Daten landen bei den Wallet-Anbietern?"),
    (2, 0, 6, "Die Pflicht zur Arbeitszeiterfassung gilt bereits; wir sind spät dran."),
    (2, 2, 3, "Dienstvereinbarung mit dem Personalrat und Terminals in allen Gebäuden nötig."),
    (3, 0, 5, "Die Akzeptanz ist offen – erst ein Pilot auf einem Flur."),
    (3, 1, 5, "Viele wollen ihren festen Platz nicht abgeben; ohne den Personalrat geht es nicht."),
    (3, 2, 2, "Wir sparen Fläche, und die Teams sitzen endlich zusammen."),
    (4, 0, 7, "Referentinnen und Referenten aus dem eigenen Haus stehen bereit."),
    (4, 1, 0, "Digitalkompetenz ist ein eigenes Ziel der Strategie."),
    (5, 1, 6, "OZG-Leistung und Teil unserer Top-50-Liste."),
    (5, 2, 7, "Die Schnittstelle zum Fachverfahren fehlt noch."),
]


def load_demo_prioritisation(*, team: User, assessors: list[User]) -> PriorityRound:
    criteria_load_defaults()
    priority_round = PriorityRound(
        title="Priorisierungsrunde 2024",
        description="Welche Ideen aus dem Pool setzen wir 2024/25 zuerst um? Kriterien und Gewichte hat der "
        "Verwaltungsvorstand vorab bestätigt; bewertet haben der Stab SID, das Bürgerbüro und die Leitung von FB 2, "
        "jede Person für sich.",
        due_on=date(2024, 6, 21),
    )
    round_save(
        priority_round=priority_round,
        assessors=assessors,
        by=team,
        criteria=Criterion.objects.filter(is_active=True),
    )
    ideas = {idea.title: idea for idea in Idea.objects.filter(title__in=SCORES)}
    # In 2024 these ideas were in the pool; most have moved on since, so they are added directly.
    candidates = [Candidate.objects.create(priority_round=priority_round, idea=ideas[title]) for title in SCORES]
    # A staff survey wish that became the learning-bites idea counts towards its demand.
    from surveys.models import Answer

    Answer.objects.filter(text__startswith="Bitte Schulungen für die E-Akte", idea__isnull=True).update(
        idea=ideas["Kurze Lernhäppchen zu digitalen Werkzeugen"]
    )
    round_start_scoring(priority_round=priority_round)
    scored = list(priority_round.criteria.filter(derived=False).order_by("position", "pk"))
    reasons = {(i, a, c): text for i, a, c, text in REASONS}
    for i, (candidate, rows) in enumerate(zip(candidates, SCORES.values(), strict=True)):
        for a, (assessor, values) in enumerate(zip(assessors, rows, strict=True)):
            entries = [
                ScoreEntry(round_criterion_id=criterion.pk, value=value, comment=reasons.get((i, a, c), ""))
                for c, (criterion, value) in enumerate(zip(scored, values, strict=True))
            ]
            scores_save(candidate=candidate, assessor=assessor, entries=entries)
    # The team prioritised four of them; their ideas have moved on since, so their status stays.
    chosen = [c for c in candidates if c.idea.title in PRIORITISED]
    round_close(
        priority_round=priority_round,
        prioritise=chosen,
        by=team,
        note="Beschlossen vom Verwaltungsvorstand am 24.06.2024; der Parkausweis folgt mit der OZG-Plattform des Landes.",
    )
    PriorityRound.objects.filter(pk=priority_round.pk).update(
        created_at=datetime(2024, 5, 6, 9, 0, tzinfo=UTC),
        scoring_started_at=datetime(2024, 5, 13, 9, 0, tzinfo=UTC),
        closed_at=datetime(2024, 6, 24, 15, 0, tzinfo=UTC),
    )
    return priority_round
