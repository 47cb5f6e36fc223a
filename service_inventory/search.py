"""Searching the catalogue with the words citizens use: German stems plus a list of everyday words.

Every service stores the Snowball stems of its name (`Service.search_text`, written by the
import). A word typed into a search box matches a service when its stem occurs in the stems of
the name – also inside a compound, so "ausweis" finds "Personalausweis" – or when the word is in
`data/suchwoerter.csv` and one of the catalogue words listed for it is a stem of the name
("ummelden" → "Wohnsitz", "Perso" → "Personalausweis", "verloren" → "Verlust"). The shipped
catalogue extract has no synonyms or keywords of its own (the LeiKa's "Synonyme" are not in the
KDN export); the list is Etappe's, and docs/services.md says how to extend it.

All words must match. Results come best first, word by word: a listed word at the start of the
name (the object of the service: "ummelden" → "Wohnsitz Anmeldung"), then the typed word at the
start, then the typed word as a whole stem further on ("Gewerbe Ummeldung"), then a listed word
further on, then the typed word as part of a longer word.
"""

import csv
from functools import cache
from pathlib import Path

from django.db.models import Case, Expression, IntegerField, Q, QuerySet, Value, When

from core.text import stem, stem_text, stems, words

SYNONYM_FILE = Path(__file__).resolve().parent / "data" / "suchwoerter.csv"
MAX_WORDS = 8


def search_text(name: str) -> str:
    """What the import stores for a name: its stems between spaces, so that whole stems can be matched."""
    return f" {stem_text(name)} "


@cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """Stem of an everyday word → stems of the catalogue words it stands for."""
    table: dict[str, set[str]] = {}
    with SYNONYM_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for word in words(row["wort"]):
                targets = table.setdefault(stem(word), set())
                for target in row["bedeutet"].split(";"):
                    targets.update(stems(target))
    return {word: tuple(sorted(targets)) for word, targets in table.items()}


def search_terms(query: str) -> list[tuple[str, tuple[str, ...]]]:
    """(stem, stems it stands for) of every content word of the query, at most MAX_WORDS."""
    table = synonyms()
    return [(s, table.get(s, ())) for s in stems(query)[:MAX_WORDS]]


def search_services(services: QuerySet, query: str) -> tuple[QuerySet, bool]:
    """The services matching every word of `query`, annotated with `relevance` (0 is best).

    A number is looked up as a LeiKa key. Returns the queryset and whether anything was searched.
    """
    relevance: Expression = Value(0)
    searched = False
    for word in query.split()[:MAX_WORDS]:
        if word.isdigit():
            services = services.filter(leika_key=word)
            searched = True
    for term, targets in search_terms(" ".join(w for w in query.split() if not w.isdigit())):
        if len(term) < 2:
            continue
        via_list, via_list_first = Q(), Q()
        for target in targets:
            via_list |= Q(search_text__contains=f" {target} ")
            via_list_first |= Q(search_text__startswith=f" {target} ")
        whole = Q(search_text__contains=f" {term} ")
        part = Q(search_text__contains=term)
        services = services.filter(via_list | part)
        # The first word of a LeiKa name is the object of the service ("Wohnsitz Anmeldung"): a match there counts most.
        ranks = [When(via_list_first, then=Value(0))] if targets else []
        ranks += [When(Q(search_text__startswith=f" {term}"), then=Value(1)), When(whole, then=Value(2))]
        if targets:
            ranks.append(When(via_list, then=Value(3)))
        relevance = relevance + Case(*ranks, default=Value(4), output_field=IntegerField())
        searched = True
    return services.annotate(relevance=relevance), searched
