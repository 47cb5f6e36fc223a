"""Reading the OZG and LeiKa catalogue files and loading them: all or nothing.

The files are the ones shipped in service_inventory/data/ (see its README for source and licence) or
newer ones of the same shape: UTF-8 CSV with a header row, comma-separated. A file of another
shape is refused with every problem found (file and line), and nothing is written; an Excel
workbook is refused without being opened.

A repeated import recognises OZG services by their OZG id and LeiKa services by their LeiKa
key; services the LeiKa does not list ("nicht im LeiKa") by OZG id and name. It adds and
updates, and never deletes: the municipality's data about a service stays even if a newer
catalogue drops the service.
"""

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core.tables import is_workbook
from service_inventory.applicability import classify
from service_inventory.search import search_text

DATA_DIR = Path(__file__).resolve().parent / "data"
OZG_FILE = DATA_DIR / "ozg-leistungen.csv"
LEIKA_FILE = DATA_DIR / "leika-leistungen.csv"
OZG_COLUMNS = ["ozg_id", "name", "lebenslage", "themenfeld"]
LEIKA_COLUMNS = ["leika_key", "name", "leistungstyp", "ozg_id", "rechtsgrundlage_kurz"]
NOT_IN_LEIKA = "nicht im LeiKa"
MAX_BYTES = 20 * 1024 * 1024
MAX_PROBLEMS = 50
LIMITS = {"name": 400, "ozg_name": 300, "lebenslage": 200, "themenfeld": 100, "leistungstyp": 20, "legal_basis": 200}
LEIKA_KEY = re.compile(r"\d{1,14}")
OZG_ID = re.compile(r"\d{1,9}")


@dataclass(frozen=True)
class OzgRow:
    ozg_id: int
    name: str
    lebenslage: str
    themenfeld: str


@dataclass(frozen=True)
class LeikaRow:
    key: str
    leika_key: str
    name: str
    leistungstyp: str
    ozg_id: int | None
    legal_basis: str


@dataclass
class Catalogue:
    ozg: list[OzgRow] = field(default_factory=list)
    leika: list[LeikaRow] = field(default_factory=list)
    repeated: int = 0  # identical repeated rows of a service without LeiKa key, read once


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_file: int = 0


class CatalogueError(ValueError):
    """The files do not have the catalogue's shape; `problems` says where and why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def catalogue_key(leika_key: str, ozg_id: int | None, name: str) -> str:
    """The LeiKa key, or for a service without one a stable key from its OZG id and name."""
    if leika_key:
        return leika_key
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    return f"ozg{ozg_id or 0}-{digest}"


def _rows(data: bytes, label: str, columns: list[str], problems: list[str]) -> list[tuple[int, dict[str, str]]]:
    """(line, cells by column) of every non-empty data row; problems of shape go to `problems`."""
    if not data.strip():
        problems.append(_("%(file)s: the file is empty.") % {"file": label})
        return []
    if len(data) > MAX_BYTES:
        problems.append(_("%(file)s: the file is larger than 20 MB.") % {"file": label})
        return []
    if is_workbook(data):  # never opened: the catalogue is read from CSV only
        problems.append(
            _("%(file)s: this is an Excel workbook; save it as “CSV UTF-8” and import that file.") % {"file": label}
        )
        return []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.append(
            _("%(file)s, line %(line)s: the file is not UTF-8 text (save it as “CSV UTF-8”).")
            % {"file": label, "line": line}
        )
        return []
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.append(_("%(file)s, line %(line)s: the file contains a NUL byte.") % {"file": label, "line": line})
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
    except csv.Error as error:
        problems.append(_("%(file)s, line 1: %(reason)s") % {"file": label, "line": 1, "reason": error})
        return []
    missing = [c for c in columns if c not in header]
    if missing:
        problems.append(
            _("%(file)s, line 1: columns missing: %(missing)s (expected: %(expected)s).")
            % {"file": label, "missing": ", ".join(missing), "expected": ", ".join(columns)}
        )
        return []
    duplicated = sorted({c for c in header if c and header.count(c) > 1})
    if duplicated:
        problems.append(
            _("%(file)s, line 1: columns named twice: %(columns)s.") % {"file": label, "columns": ", ".join(duplicated)}
        )
        return []
    index = {c: header.index(c) for c in columns}
    rows = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(_("%(file)s, line %(line)s: %(reason)s") % {"file": label, "line": start, "reason": error})
            break
        line = start
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                _("%(file)s, line %(line)s: %(found)s cells instead of %(expected)s.")
                % {"file": label, "line": line, "found": len(cells), "expected": len(header)}
            )
            continue
        rows.append((line, {c: cells[i].strip() for c, i in index.items()}))
    if not rows and not problems:
        problems.append(_("%(file)s: the file has no rows below the header.") % {"file": label})
    return rows


def _check_length(value: str, limit: str, what: str, where: str, problems: list[str]) -> None:
    if len(value) > LIMITS[limit]:
        problems.append(
            _("%(where)s: %(what)s is longer than %(limit)s characters.")
            % {"where": where, "what": what, "limit": LIMITS[limit]}
        )


def parse_ozg(data: bytes, *, label: str = "ozg-leistungen.csv") -> tuple[list[OzgRow], list[str]]:
    problems: list[str] = []
    result: list[OzgRow] = []
    seen: dict[int, int] = {}
    for line, row in _rows(data, label, OZG_COLUMNS, problems):
        where = _("%(file)s, line %(line)s") % {"file": label, "line": line}
        if not OZG_ID.fullmatch(row["ozg_id"]):
            problems.append(_("%(where)s: “%(value)s” is not an OZG id.") % {"where": where, "value": row["ozg_id"]})
            continue
        ozg_id = int(row["ozg_id"])
        if ozg_id in seen:
            problems.append(
                _("%(where)s: OZG id %(id)s is already on line %(first)s.")
                % {"where": where, "id": ozg_id, "first": seen[ozg_id]}
            )
            continue
        seen[ozg_id] = line
        if not row["name"]:
            problems.append(_("%(where)s: the name is empty.") % {"where": where})
        if not row["themenfeld"]:
            problems.append(_("%(where)s: the topic (themenfeld) is empty.") % {"where": where})
        _check_length(row["name"], "ozg_name", _("the name"), where, problems)
        _check_length(row["lebenslage"], "lebenslage", _("the life situation"), where, problems)
        _check_length(row["themenfeld"], "themenfeld", _("the topic"), where, problems)
        result.append(OzgRow(ozg_id, row["name"], row["lebenslage"], row["themenfeld"]))
    return result, problems


def parse_leika(
    data: bytes, *, ozg_ids: set[int], label: str = "leika-leistungen.csv"
) -> tuple[list[LeikaRow], int, list[str]]:
    """The rows, how many identical repeats were folded into one, and the problems."""
    problems: list[str] = []
    result: list[LeikaRow] = []
    seen: dict[str, tuple[int, LeikaRow]] = {}
    repeated = 0
    for line, row in _rows(data, label, LEIKA_COLUMNS, problems):
        where = _("%(file)s, line %(line)s") % {"file": label, "line": line}
        raw_key = row["leika_key"]
        if raw_key.casefold() == NOT_IN_LEIKA.casefold():
            leika_key = ""
        elif LEIKA_KEY.fullmatch(raw_key):
            leika_key = raw_key
        else:
            problems.append(
                _("%(where)s: “%(value)s” is neither a LeiKa key (up to 14 digits) nor “%(none)s”.")
                % {"where": where, "value": raw_key, "none": NOT_IN_LEIKA}
            )
            continue
        ozg_id = None
        if row["ozg_id"]:
            if not OZG_ID.fullmatch(row["ozg_id"]):
                problems.append(
                    _("%(where)s: “%(value)s” is not an OZG id.") % {"where": where, "value": row["ozg_id"]}
                )
                continue
            ozg_id = int(row["ozg_id"])
            if ozg_id not in ozg_ids:
                problems.append(_("%(where)s: OZG id %(id)s is not in the OZG file.") % {"where": where, "id": ozg_id})
                continue
        if not row["name"]:
            problems.append(_("%(where)s: the name is empty.") % {"where": where})
            continue
        _check_length(row["name"], "name", _("the name"), where, problems)
        _check_length(row["leistungstyp"], "leistungstyp", _("the service type"), where, problems)
        _check_length(row["rechtsgrundlage_kurz"], "legal_basis", _("the legal basis"), where, problems)
        parsed = LeikaRow(
            key=catalogue_key(leika_key, ozg_id, row["name"]),
            leika_key=leika_key,
            name=row["name"],
            leistungstyp=row["leistungstyp"],
            ozg_id=ozg_id,
            legal_basis=row["rechtsgrundlage_kurz"],
        )
        if parsed.key in seen:
            first_line, first = seen[parsed.key]
            if first == parsed and not leika_key:
                repeated += 1  # the same service without LeiKa key listed twice, cell for cell
                continue
            what = (
                _("LeiKa key %(key)s") % {"key": leika_key}
                if leika_key
                else _("the service “%(name)s” without LeiKa key") % {"name": parsed.name}
            )
            problems.append(
                _("%(where)s: %(what)s is already on line %(first)s.")
                % {"where": where, "what": what, "first": first_line}
            )
            continue
        seen[parsed.key] = (line, parsed)
        result.append(parsed)
    return result, repeated, problems


def parse_catalogue(ozg_data: bytes, leika_data: bytes, *, ozg_label: str = "", leika_label: str = "") -> Catalogue:
    """Both files, checked together (LeiKa rows must name OZG ids of the OZG file); raises CatalogueError."""
    ozg, problems = parse_ozg(ozg_data, label=ozg_label or OZG_FILE.name)
    leika, repeated, leika_problems = parse_leika(
        leika_data, ozg_ids={row.ozg_id for row in ozg}, label=leika_label or LEIKA_FILE.name
    )
    problems += leika_problems
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(_("… and %(count)s more problems.") % {"count": len(problems) - MAX_PROBLEMS})
        raise CatalogueError(shown)
    return Catalogue(ozg=ozg, leika=leika, repeated=repeated)


def read_catalogue(ozg_path: Path = OZG_FILE, leika_path: Path = LEIKA_FILE) -> Catalogue:
    problems = [_("There is no file %(path)s.") % {"path": p} for p in (ozg_path, leika_path) if not Path(p).is_file()]
    if problems:
        raise CatalogueError(problems)
    return parse_catalogue(
        Path(ozg_path).read_bytes(),
        Path(leika_path).read_bytes(),
        ozg_label=Path(ozg_path).name,
        leika_label=Path(leika_path).name,
    )


def derived_fields(leika_key: str, name: str, leistungstyp: str, legal_basis: str) -> dict[str, str]:
    """What the import derives from a row: who carries it out, the states it is specific to, its search words."""
    scope, states = classify(leika_key=leika_key, name=name, leistungstyp=leistungstyp, legal_basis=legal_basis)
    return {"scope": scope, "states": states, "search_text": search_text(name)}


def import_catalogue(catalogue: Catalogue, *, ozg_model=None, service_model=None) -> ImportResult:
    """Add and update the catalogue in one transaction. The model arguments serve the data migration."""
    if ozg_model is None or service_model is None:
        from service_inventory.models import OzgService, Service

        ozg_model, service_model = ozg_model or OzgService, service_model or Service
    result = ImportResult()
    with transaction.atomic():
        existing_ozg = {o.ozg_id: o for o in ozg_model.objects.all()}
        new_ozg, changed_ozg = [], []
        for ozg in catalogue.ozg:
            values: dict[str, Any] = {"name": ozg.name, "lebenslage": ozg.lebenslage, "themenfeld": ozg.themenfeld}
            obj = existing_ozg.get(ozg.ozg_id)
            if obj is None:
                new_ozg.append(ozg_model(ozg_id=ozg.ozg_id, **values))
            elif any(getattr(obj, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(obj, k, v)
                changed_ozg.append(obj)
        ozg_model.objects.bulk_create(new_ozg, batch_size=1000)
        ozg_model.objects.bulk_update(changed_ozg, ["name", "lebenslage", "themenfeld"], batch_size=1000)
        ozg_pk = dict(ozg_model.objects.values_list("ozg_id", "pk"))

        existing = {s.key: s for s in service_model.objects.all()}
        # The data migration 0002 passes the model as it was before the derived fields existed.
        known = {f.name for f in service_model._meta.get_fields()}
        fields = [
            f
            for f in ["leika_key", "name", "leistungstyp", "ozg_id", "legal_basis", "scope", "states", "search_text"]
            if f.removesuffix("_id") in known
        ]
        new, changed = [], []
        for row in catalogue.leika:
            values = {
                "leika_key": row.leika_key,
                "name": row.name,
                "leistungstyp": row.leistungstyp,
                "ozg_id": ozg_pk[row.ozg_id] if row.ozg_id else None,
                "legal_basis": row.legal_basis,
                **derived_fields(row.leika_key, row.name, row.leistungstyp, row.legal_basis),
            }
            values = {k: v for k, v in values.items() if k in fields}
            obj = existing.pop(row.key, None)
            if obj is None:
                new.append(service_model(key=row.key, **values))
            elif any(getattr(obj, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(obj, k, v)
                changed.append(obj)
            else:
                result.unchanged += 1
        service_model.objects.bulk_create(new, batch_size=1000)
        service_model.objects.bulk_update(changed, fields, batch_size=1000)
        result.created, result.updated, result.not_in_file = len(new), len(changed), len(existing)
    return result
