"""German idea texts built from parts, for the generated data of every app and its benchmarks.

A text is a subject, what should happen, where and why, so that generated ideas, lessons and
exchange items differ in wording and topic the way real ones do, which keeps search and
similarity honest. Everything is drawn from the caller's seeded `random.Random`.
"""

import random

SUBJECTS = [
    ("den Anwohnerparkausweis", "Anwohnerparken"),
    ("die Hundesteuer-Anmeldung", "Hundesteuer"),
    ("die Meldebescheinigung", "Meldebescheinigung"),
    ("den Wohngeldantrag", "Wohngeld"),
    ("den Bauantrag", "Bauantrag"),
    ("die Sperrmüllabholung", "Sperrmüll"),
    ("die Kita-Platzvergabe", "Kita-Platz"),
    ("die Gewerbeanmeldung", "Gewerbeanmeldung"),
    ("die Terminvergabe im Bürgerbüro", "Terminvergabe"),
    ("die Zeiterfassung", "Zeiterfassung"),
    ("die Urlaubsanträge", "Urlaubsantrag"),
    ("die Eingangspost", "Posteingang"),
    ("die Ratsunterlagen", "Ratsunterlagen"),
    ("die Reisekostenabrechnung", "Reisekosten"),
    ("die Straßenbeleuchtung", "Straßenbeleuchtung"),
    ("die Parkplatzsuche in der Innenstadt", "Parkleitsystem"),
    ("die Mängelmeldungen", "Mängelmelder"),
    ("das WLAN in öffentlichen Gebäuden", "Bürger-WLAN"),
    ("die Stadtbibliothek", "Bibliothek"),
    ("das Schwimmbad", "Schwimmbad"),
    ("die Radwege", "Radwege"),
    ("den Busfahrplan", "Busfahrplan"),
    ("die Abfallkalender", "Abfallkalender"),
    ("die Friedhofsverwaltung", "Friedhof"),
    ("die Anmeldung zur Volkshochschule", "Volkshochschule"),
    ("die Vereinsförderung", "Vereinsförderung"),
    ("die Spielplätze", "Spielplätze"),
    ("die Grünflächenpflege", "Grünflächen"),
    ("die Luftqualität", "Luftqualität"),
    ("die Schulanmeldung", "Schulanmeldung"),
    ("das Fundbüro", "Fundbüro"),
    ("die Veranstaltungsgenehmigung", "Veranstaltungen"),
    ("die Sitzungen der Ausschüsse", "Ausschusssitzungen"),
    ("die E-Akte", "E-Akte"),
    ("das Intranet", "Intranet"),
    ("die Fortbildungen für Beschäftigte", "Fortbildung"),
    ("die Videokonferenzen", "Videokonferenz"),
    ("die Dienstfahrzeuge", "Dienstfahrzeuge"),
    ("die Besprechungsräume", "Raumbuchung"),
    ("die Seniorenberatung", "Seniorenberatung"),
]
ACTIONS = [
    "vollständig online anbieten",
    "per App erledigen lassen",
    "ohne Papier abwickeln",
    "mit einem Chatbot unterstützen",
    "in Leichter Sprache erklären",
    "mit Online-Terminbuchung verbinden",
    "über das Bürgerkonto abrufbar machen",
    "mit einer Statusanzeige versehen",
    "automatisch an Fristen erinnern lassen",
    "als offene Daten veröffentlichen",
    "mit Sensoren messen",
    "auf einer Karte zeigen",
    "mit QR-Codes vereinfachen",
    "in einem Portal bündeln",
    "mit digitaler Unterschrift ermöglichen",
    "per E-Mail bestätigen",
    "barrierefrei gestalten",
    "mehrsprachig anbieten",
    "mit den Nachbarkommunen gemeinsam lösen",
    "mit einer Schulung begleiten",
]
PLACES = [
    "in allen Ortsteilen",
    "im Rathaus",
    "in der Innenstadt",
    "für Familien",
    "für ältere Menschen",
    "für Unternehmen",
    "für Vereine",
    "für die Beschäftigten",
    "für Schulen",
    "am Bahnhof",
    "im Kurpark",
    "in der Stadtbibliothek",
    "für Pendlerinnen und Pendler",
    "für Menschen mit Behinderung",
    "für Neubürgerinnen und Neubürger",
]
REASONS = [
    "Heute kostet das viel Zeit, weil man mehrmals ins Amt kommen muss.",
    "Viele Anfragen wiederholen sich und könnten automatisch beantwortet werden.",
    "Andere Städte zeigen, dass es einfacher geht.",
    "Die Wartezeiten sind zu lang, besonders vor den Ferien.",
    "Papierformulare gehen verloren und müssen abgetippt werden.",
    "Wer tagsüber arbeitet, schafft es nicht zu den Öffnungszeiten.",
    "So sparen wir Wege, Porto und Druckkosten.",
    "Die Informationen sind heute auf viele Stellen verteilt.",
    "Das würde auch die Kolleginnen und Kollegen im Fachbereich entlasten.",
    "Gerade im ländlichen Raum fehlen sonst Alternativen.",
]


def idea_text(rng: random.Random) -> tuple[str, str]:
    subject, keyword = rng.choice(SUBJECTS)
    action, place = rng.choice(ACTIONS), rng.choice(PLACES)
    title = f"{keyword} {place} {action}"
    reasons = rng.sample(REASONS, k=rng.randint(1, 3))
    description = f"Wir sollten {subject} {place} {action}. " + " ".join(reasons)
    return title[:200], description
