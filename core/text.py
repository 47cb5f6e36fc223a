"""German text: words, stop words and Snowball stems, for the search index and for matching.

One stemmer for the platform, and its two ways of reading words. The search index (`search`, where
SQLite holds it, and the service inventory's name search) keeps every word but the stop words;
matching, which tells whether two texts say the same thing (similar ideas, "who has done this
before?"), keeps only the words that tell what a text is about (`stems(text, matching=True)`,
`stems_of`, `telling_words`; why it reads them otherwise is said at MATCHING_WORD).

PostgreSQL stems the search index with its own `german` configuration; this module stems it only
where SQLite holds it (and for highlighting there), so the two back ends' stems never meet. The
stop words are the Snowball list PostgreSQL's `german` configuration uses (german.stop, BSD
licence).
"""

import re
from functools import lru_cache
from pathlib import Path

import snowballstemmer

# Letters and digits only: what SQLite's unicode61 tokenizer also treats as parts of a word,
# so a stem never contains anything the FTS5 query syntax could read as an operator.
WORD = re.compile(r"[^\W_]+")


def _word_list(name: str) -> frozenset[str]:
    return frozenset(Path(__file__).with_name(name).read_text(encoding="utf-8").split())


STOP_WORDS = _word_list("german.stop")
# Matching (similar ideas, "who has done this before?", the idea list's word filter and the merge
# search, all through `Idea.search_stems` or `stems_of`) reads words its own way: German letters
# only (an accent ends a word, so "Café" and "Cafés" share a stem), words of three letters or
# more, and a list of its own (matching.stop) that adds the idea pool's boilerplate ("Idee",
# "Vorschlag", "Stadt", "bitte") and function words Snowball's list lacks ("dass", "wäre"). The
# index cannot drop those: it must drop exactly what PostgreSQL drops, and a search for "Stadt"
# must find it. The stems stored for every idea were made this way and the thresholds chosen on
# them; taking Snowball's list in as well changes no figure on the labelled sets but the stored
# stems and what the idea list finds for words such as "Weg", so it would need a migration.
MATCHING_WORD = re.compile(r"[0-9a-zäöüß]+", re.IGNORECASE)
MATCHING_STOP_WORDS = _word_list("matching.stop")
MATCHING_MIN_LENGTH = 3
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_stemmer = snowballstemmer.stemmer("german")
MAX_WORD = 60  # longer "words" are noise (hashes, base64) and would only bloat the index


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The Snowball German stem of a lower-case word (umlauts folded, as Snowball does)."""
    return _stemmer.stemWord(word)


def normalise(word: str) -> str:
    """A lower-case word as Snowball writes stems (ä→a, ß→ss), for prefixes of words being typed."""
    return word.lower().translate(_UMLAUTS)


def words(text: str) -> list[str]:
    return [w for w in (m.group(0).lower() for m in WORD.finditer(text or "")) if len(w) <= MAX_WORD]


def _telling(text: str) -> list[tuple[str, str]]:
    """(lower case, as written) of the words matching reads (see MATCHING_WORD)."""
    found = ((m.group(0).lower(), m.group(0)) for m in MATCHING_WORD.finditer(text or ""))
    return [
        (lower, word) for lower, word in found if len(lower) >= MATCHING_MIN_LENGTH and lower not in MATCHING_STOP_WORDS
    ]


def stems(text: str, *, matching: bool = False) -> list[str]:
    """The stems of a text's content words in order: as the search index holds them, or (matching)
    only those of the words that tell what the text is about."""
    if matching:
        return [stem(lower) for lower, _word in _telling(text)]
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


def stem_text(text: str) -> str:
    return " ".join(stems(text))


def stems_of(text: str) -> set[str]:
    """The distinct stems of the words that tell what a text is about, for matching."""
    return set(stems(text, matching=True))


def telling_words(text: str) -> dict[str, str]:
    """The words that tell what a text is about, by their stem, as written (the first spelling of each stem)."""
    found: dict[str, str] = {}
    for lower, word in _telling(text):
        found.setdefault(stem(lower), word)
    return found
