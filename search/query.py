"""What a person typed into the search box, read the way web search engines read it.

`Parkausweis online` finds documents with both words, `"digitale Akte"` the phrase,
`-Papier` leaves documents with that word out and `Kita OR Schule` accepts either. Anything
else – brackets, asterisks, `NEAR`, SQL or FTS syntax, emoji – is plain text: only letters and
digits survive as words, so no input can reach the database as syntax. Overlong input is cut
and the person is told.
"""

import re
from dataclasses import dataclass, field

from core.text import WORD, words

MAX_CHARS = 200
MAX_WORDS = 10

# A quoted phrase (closing quote optional), or a run of non-space characters.
_PIECE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Term:
    """A word or a phrase (several words in this order), lower case, not yet stemmed."""

    words: tuple[str, ...]
    negated: bool = False


@dataclass
class Query:
    """Clauses that must all match; each clause matches if any of its terms does."""

    text: str
    clauses: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    truncated: bool = False
    words_dropped: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    @property
    def positive_words(self) -> list[str]:
        return [w for clause in self.clauses for term in clause for w in term.words]


def parse(raw: str) -> Query:
    raw = raw or ""
    truncated = len(raw) > MAX_CHARS
    text = raw[:MAX_CHARS]
    query = Query(text=text, truncated=truncated)
    budget = MAX_WORDS
    pending_or = False
    for match in _PIECE.finditer(text):
        if match.group(3) is not None:
            piece = match.group(3)
            if piece == "OR":
                pending_or = bool(query.clauses)
                continue
            negated = piece.startswith("-") and len(piece) > 1
            found = [w.lower() for w in WORD.findall(piece)]
        else:
            negated = match.group(1) == "-"
            found = [w.lower() for w in WORD.findall(match.group(2))]
        if not found:
            continue
        if len(found) > budget:
            query.words_dropped = True
            found = found[:budget]
        if not found:
            break
        budget -= len(found)
        # A hyphenated word such as "Kita-Platz" is a phrase of its parts.
        term = Term(tuple(found), negated=negated)
        if term.negated:
            query.excluded.append(term)
        elif pending_or:
            query.clauses[-1].append(term)
        else:
            query.clauses.append([term])
        pending_or = False
    if not query.clauses and query.excluded:
        # Only exclusions ("-Papier") would match nearly everything; read them as words instead.
        query.clauses = [[Term(term.words)] for term in query.excluded]
        query.excluded = []
    return query


def words_of(raw: str) -> list[str]:
    """The words of a title being typed: letters and digits only, within the same limits."""
    return words((raw or "")[:MAX_CHARS])[:MAX_WORDS]
