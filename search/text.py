"""German text for the SQLite index: words, stop words and Snowball stems, computed in Python.

PostgreSQL stems with its own `german` configuration; this module is used only where SQLite holds
the index (and for highlighting there), so the two back ends' stems never meet. The stop words
are the Snowball list PostgreSQL's `german` configuration uses (german.stop, BSD licence).
"""

import re
from functools import lru_cache
from pathlib import Path

import snowballstemmer

# Letters and digits only: what SQLite's unicode61 tokenizer also treats as parts of a word,
# so a stem never contains anything the FTS5 query syntax could read as an operator.
WORD = re.compile(r"[^\W_]+")
STOP_WORDS = frozenset((Path(__file__).with_name("german.stop")).read_text(encoding="utf-8").split())
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


def stems(text: str) -> list[str]:
    """The stems of a text's content words in order, as the index holds them."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


def stem_text(text: str) -> str:
    return " ".join(stems(text))
