"""The official register of German municipalities (Destatis GV100AD, 2023-11-30).

Read once from the CSV shipped in municipality/data and kept in memory: 10,981 rows,
about 3 MB. Lookups go by ARS (12 digits) or AGS (8 digits).
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
REGISTER_FILE = DATA_DIR / "municipalities-de-2023-11-30.csv"
ATTRIBUTION = "© Statistisches Bundesamt (Destatis), 2023 – Datenlizenz Deutschland – Namensnennung – Version 2.0"


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    ars: str
    ags: str
    name: str
    kind: str
    district: str
    state: str
    population: int
    area_km2: float
    postcode: str
    as_of: str


@cache
def entries() -> tuple[RegisterEntry, ...]:
    with REGISTER_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            RegisterEntry(
                ars=row["ars"],
                ags=row["ags"],
                name=row["name"],
                kind=row["kind"],
                district=row["district"],
                state=row["state"],
                population=int(row["population"] or 0),
                area_km2=float(row["area_km2"] or 0),
                postcode=row["postcode"],
                as_of=row["as_of"],
            )
            for row in csv.DictReader(handle)
        )


@cache
def _by_key() -> dict[str, RegisterEntry]:
    index: dict[str, RegisterEntry] = {}
    for entry in entries():
        index[entry.ars] = entry
        index[entry.ags] = entry
    return index


class UnknownMunicipality(LookupError):
    pass


def lookup(key: str) -> RegisterEntry:
    """Find a municipality by ARS or AGS (spaces ignored); raise UnknownMunicipality otherwise."""
    cleaned = re.sub(r"\s", "", key or "")
    if not re.fullmatch(r"\d{8}|\d{12}", cleaned):
        raise UnknownMunicipality(f"“{key}” is neither an 8-digit AGS nor a 12-digit ARS.")
    try:
        return _by_key()[cleaned]
    except KeyError:
        raise UnknownMunicipality(f"No German municipality has the key {cleaned}.") from None


def search(query: str, limit: int = 20) -> list[RegisterEntry]:
    """Municipalities whose name starts with or contains the query, or whose key starts with it."""
    needle = query.strip().casefold()
    if not needle:
        return []
    if needle.isdigit():
        return [e for e in entries() if e.ars.startswith(needle) or e.ags.startswith(needle)][:limit]
    starts = [e for e in entries() if e.name.casefold().startswith(needle)]
    contains = [e for e in entries() if needle in e.name.casefold() and e not in starts]
    return (sorted(starts, key=lambda e: -e.population) + sorted(contains, key=lambda e: -e.population))[:limit]
