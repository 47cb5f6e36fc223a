"""Which catalogue services apply to a municipality: its federal state's and those of its level.

The shipped catalogue (KDN extract of OZG and LeiKa, see service_inventory/data/README.md) carries no
column naming the responsible authority. It carries three things that decide most cases:

1. The LeiKa **Leistungstyp**, which says who makes the rules and who carries them out
   (LeiKa handbook of FITKO/FIM; summarised by digital-direkt.nrw, "LeiKa-Typ"):
   1 federal rules, federal authorities · 2 federal rules, carried out by the states ·
   3 federal rules, carried out by the municipalities · 2/3 federal rules, carried out by the
   state or the municipalities (depending on state law) · 4 state rules, carried out by the
   state or the municipalities · 5 municipal rules (statutes), carried out by the municipality.
2. The **legal basis** (`rechtsgrundlage_kurz`): federal law assigns many services to a kind of
   authority that is the same in every state – chambers and social insurers, courts and tax
   offices, and the "untere Verwaltungsbehörde" or "örtlicher Träger", which is the district
   (Kreis) and the district-free city (kreisfreie Stadt), not the district's member towns.
3. The **name**: the entries the states added to the OZG database name their state ("… RLP",
   "LWG NRW", "BayKiBiG"); an entry with state rules that is not in the LeiKa and names no state
   belongs to one state we cannot tell.

`classify` turns a catalogue row into a scope (who carries the service out) and the states it
is specific to; `scopes_for` says which scopes a municipality of a given kind takes on. The
lists below are the rule; docs/services.md explains it and gives the numbers it yields.
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Scope(models.TextChoices):
    """Who carries out a service, as far as the catalogue tells."""

    MUNICIPAL = "municipal", pgettext_lazy("carried out by", "municipality")
    OPEN = "open", pgettext_lazy("carried out by", "state or municipality")
    DISTRICT = "district", pgettext_lazy("carried out by", "district and district-free city")
    STATE = "state", pgettext_lazy("carried out by", "federal state")
    FEDERAL = "federal", pgettext_lazy("carried out by", "federal government")
    BODY = "body", pgettext_lazy("carried out by", "chamber or social insurance")
    UNKNOWN = "unknown", pgettext_lazy("carried out by", "cannot be determined")


# The 16 federal states: official name → two-letter code (as in ISO 3166-2:DE).
STATES = {
    "Baden-Württemberg": "BW",
    "Bayern": "BY",
    "Berlin": "BE",
    "Brandenburg": "BB",
    "Bremen": "HB",
    "Hamburg": "HH",
    "Hessen": "HE",
    "Mecklenburg-Vorpommern": "MV",
    "Niedersachsen": "NI",
    "Nordrhein-Westfalen": "NW",
    "Rheinland-Pfalz": "RP",
    "Saarland": "SL",
    "Sachsen": "SN",
    "Sachsen-Anhalt": "ST",
    "Schleswig-Holstein": "SH",
    "Thüringen": "TH",
}

# How an entry names its state: the state, its adjective, or the abbreviation of its laws.
STATE_MARKERS = [
    ("BW", re.compile(r"baden-württemberg", re.I)),
    ("BY", re.compile(r"bayern|bayerisch|\bBay[A-Z]")),
    ("BE", re.compile(r"berlin", re.I)),
    ("BB", re.compile(r"brandenburg", re.I)),
    ("HB", re.compile(r"bremen\b|bremisch", re.I)),
    ("HH", re.compile(r"hamburg", re.I)),
    ("HE", re.compile(r"\bhessen|\bhessisch", re.I)),
    ("MV", re.compile(r"mecklenburg-vorpommern|\bM-V\b", re.I)),
    ("NI", re.compile(r"niedersachsen|niedersächsisch", re.I)),
    ("NW", re.compile(r"nordrhein-westfalen|nordrhein-westfälisch|\bNRW\b", re.I)),
    ("RP", re.compile(r"rheinland-pfalz|rheinland-pfälzisch|\bRLP\b", re.I)),
    ("SL", re.compile(r"saarland|saarländisch", re.I)),
    ("SN", re.compile(r"(?<!nieder)sachsen(?!-anhalt)|(?<!nieder)sächsisch", re.I)),
    ("ST", re.compile(r"sachsen-anhalt", re.I)),
    ("SH", re.compile(r"schleswig-holstein", re.I)),
    ("TH", re.compile(r"thüringen|thüringisch", re.I)),
]

# Federal laws whose services self-governing bodies carry out: chambers of the professions and
# crafts, the social insurers, the Federal Employment Agency, the broadcasting fee office.
BODY_LAWS = {
    "BBiG",
    "BNotO",
    "BRAO",
    "DVStB",
    "EuRAG",
    "FinVermV",
    "HWO",
    "IHKG",
    "PAO",
    "RBStV",
    "SGB III",
    "SGB V",
    "SGB VI",
    "SGB VII",
    "SGB XI",
    "StBerG",
    "UAG",
    "WiPrO",
    "WPO",
}
BODY_NAMES = re.compile(r"versorgungswerk|kammer\b|kammern\b|[a-zäöü]kammer", re.I)

# Federal laws carried out by the states' own authorities: courts and notaries, tax offices,
# statistical offices, licensing of the health professions, mining, aviation and nuclear safety,
# land consolidation.
STATE_LAWS = {
    "AAppO",
    "AgrStatG",
    "AltPflG",
    "AMG",
    "ÄApprO",
    "AO",
    "ApoG",
    "AtG",
    "BÄO",
    "BBergG",
    "BerRehaG",
    "BörsG",
    "BStatG",
    "BTÄO",
    "DiätAssG",
    "ErgThG",
    "EStG",
    "FamFG",
    "FlurbG",
    "GBO",
    "GNotKG",
    "HebG",
    "HRV",
    "InsO",
    "JVEG",
    "KJPsychTh-APrV",
    "KrPflG",
    "LuftVG",
    "LuftVO",
    "LuftVZO",
    "Min/TafelWV",
    "MPhG",
    "MTAG",
    "NotSanG",
    "PflBeschauV",
    "PRV",
    "PsychThG",
    "PsychTh-APrV",
    "RDG",
    "RöV",
    "SchRegO",
    "StPO",
    "StrlSchV",
    "StipG",
    "StrRehaG",
    "UStG",
    "ZÄPrO",
    "ZPO",
    "ZVG",
}

# Names of services of the states' own authorities and courts: licences of the health professions
# and professional titles, universities, teacher and law examinations, court proceedings.
STATE_NAMES = re.compile(
    r"berufsbezeichnung|approbation|prüfsachverständig|hochschul|studienzeiten|lehramt|staatsexamen|gericht", re.I
)

# Federal laws that give a service to the "untere Verwaltungsbehörde" or the "örtlicher Träger":
# the district and the district-free city (driving licences, vehicle registration, foreigners'
# office, naturalisation, youth and social welfare office, health and veterinary office, hunting,
# nature, water, waste and emission control, weapons and explosives).
DISTRICT_LAWS = {
    "AufenthG",
    "AufenthV",
    "BArtSchV",
    "BBodSchG",
    "BImSchG",
    "BJagdG",
    "BKrFQG",
    "BNatSchG",
    "ChemG",
    "FahrlG",
    "FeV",
    "FreizügG/EU",
    "FZV",
    "IfSG",
    "KrWG",
    "LFGB",
    "SGB VIII",
    "SGB XII",
    "SprengG",
    "StAG",
    "StVG",
    "STVG",
    "StVZO",
    "Tier-LMHV",
    "TierGesG",
    "TierNebG",
    "TierSchG",
    "TierSG",
    "WaffG",
    "WHG",
}

# Residence titles, even where the entry names no law: the foreigners' office (Ausländerbehörde).
DISTRICT_NAMES = re.compile(r"^(aufenthaltserlaubnis|niederlassungserlaubnis|erlaubnis zum daueraufenthalt)", re.I)

# Federal laws that give a service to every municipality: registration of residence, identity
# cards and passports, civil registry, elections, land-use planning, property tax.
MUNICIPAL_LAWS = {
    "BauGB",
    "BMG",
    "BWahlG",
    "BWO",
    "EuWG",
    "EuWO",
    "GrStG",
    "MRRG",
    "PassG",
    "PassV",
    "PAuswG",
    "PStG",
    "PStV",
}

# Leistungstyp → who carries out the service, where the type alone decides it.
TYPE_SCOPES = {"1": Scope.FEDERAL, "2": Scope.STATE, "5": Scope.MUNICIPAL}
# Types that leave it to the state or the municipality: the legal basis and the name decide.
OPEN_TYPES = {"3", "2/3", "4", "1, 2/3", "1, 2"}

# The kinds of the Destatis register whose municipality is also the district.
DISTRICT_FREE_KINDS = {"Kreisfreie Stadt", "Stadtkreis"}
# City states: the municipality is the state as well.
CITY_STATES = {"Berlin", "Hamburg"}


TYPE_LABELS = {
    "1": _("federal rules, carried out by federal authorities"),
    "2": _("federal rules, carried out by the state"),
    "3": _("federal rules, carried out by the municipalities"),
    "2/3": _("federal rules, carried out by the state or the municipalities"),
    "4": _("state rules, carried out by the state or the municipalities"),
    "5": _("municipal rules, carried out by the municipality"),
    "1, 2/3": _("federal rules, carried out by federal authorities, the state or the municipalities"),
    "1, 2": _("federal rules, carried out by federal authorities or the state"),
}


def type_label(leistungstyp: str) -> str:
    """The LeiKa type in words, e.g. "2/3 – federal rules, carried out by the state or the municipalities"."""
    typ = (leistungstyp or "").strip()
    if not typ:
        return ""
    label = TYPE_LABELS.get(typ)
    return f"{typ} – {label}" if label else str(_("%(type)s (not a type of the LeiKa)") % {"type": typ})


def state_names(states: str) -> list[str]:
    names = {code: name for name, code in STATES.items()}
    return [names[code] for code in states.split() if code in names]


def states_named(text: str) -> list[str]:
    """The codes of the federal states a catalogue entry names, in the order of STATE_MARKERS."""
    return [code for code, pattern in STATE_MARKERS if pattern.search(text)]


def _laws(legal_basis: str) -> set[str]:
    return {part.strip() for part in legal_basis.split(",") if part.strip()}


def classify(*, leika_key: str, name: str, leistungstyp: str, legal_basis: str) -> tuple[str, str]:
    """(scope, states) of a catalogue row; states is "" (all) or codes separated by spaces."""
    states = states_named(f"{name} {legal_basis}")
    typ = leistungstyp.strip()
    laws = _laws(legal_basis)
    if typ in TYPE_SCOPES:
        scope = TYPE_SCOPES[typ]
    elif typ not in OPEN_TYPES:
        scope = Scope.UNKNOWN  # empty or not a LeiKa type ("44" in the shipped file)
    elif BODY_NAMES.search(name) or (laws and laws <= BODY_LAWS):
        scope = Scope.BODY
    elif laws & MUNICIPAL_LAWS:
        scope = Scope.MUNICIPAL
    elif laws & DISTRICT_LAWS or DISTRICT_NAMES.search(name):
        scope = Scope.DISTRICT
    elif (laws and laws <= STATE_LAWS) or STATE_NAMES.search(name):
        scope = Scope.STATE
    elif typ == "4" and not leika_key and not states:
        # State rules, added to the OZG database by one state without saying which.
        scope = Scope.UNKNOWN
    else:
        scope = Scope.OPEN
    return str(scope), " ".join(states)


def state_code(state: str) -> str:
    return STATES.get((state or "").strip(), "")


def scopes_for(*, kind: str, state: str) -> list[str]:
    """The scopes a municipality of this kind takes on.

    Every municipality: municipal services and those the catalogue leaves to state or
    municipality. District-free cities (and a municipality whose kind is not recorded, so that
    nothing is hidden by a guess) also the district's. City states also the state's.
    """
    scopes = [Scope.MUNICIPAL, Scope.OPEN]
    kind = (kind or "").strip()
    if not kind or kind in DISTRICT_FREE_KINDS or state in CITY_STATES:
        scopes.append(Scope.DISTRICT)
    if state in CITY_STATES:
        scopes.append(Scope.STATE)
    return [str(s) for s in scopes]
