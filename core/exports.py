"""Writing cells that people open in spreadsheet programs: the one way every CSV and XLSX export writes.

Excel, LibreOffice and Google Sheets run a cell as a formula when its text begins with `=`, `+`,
`-` or `@` – also after leading blanks, tabs or line breaks, and in the full-width forms of those
signs – so user text such as `=HYPERLINK("http://evil", "x")` could send data elsewhere or start
programs ("CSV injection", OWASP). `safe_cell` puts an apostrophe in front of such text, the usual
way to keep it text; a leading tab, carriage return or line feed is treated the same way. openpyxl
would store a str beginning with "=" as a live formula, so XLSX cells need this just as much as
CSV cells. It also drops the control characters an XLSX file cannot hold (openpyxl refuses them).
Numbers, dates and empty cells pass unchanged.

Exports write through `safe_row`, `SafeCsvWriter` or `SafeWorkbook`, never straight into a csv
writer or an openpyxl sheet (core/tests/test_exports_hostile.py checks every export).
"""

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_SIGNS = frozenset("=+-@＝＋－＠")
LEADING_BREAKS = frozenset("\t\r\n")
# What XML 1.0 (and so XLSX) cannot hold; openpyxl raises IllegalCharacterError for these.
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value: object) -> object:
    """The value as a spreadsheet program shows it and never runs it."""
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str):
        return value
    value = UNWRITABLE.sub("", value)
    if value[:1] in LEADING_BREAKS or value.lstrip()[:1] in FORMULA_SIGNS:
        return "'" + value
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in values]


class SafeCsvWriter:
    """A csv writer (or one made for a stream) that writes every cell through `safe_cell`.

    With a `decimal_separator`, floats are written with it (German spreadsheet programs read
    "2,5" as a number); they are numbers, not text, and are not escaped.
    """

    def __init__(self, target, *, delimiter: str = ";", decimal_separator: str = "") -> None:
        self._writer = target if hasattr(target, "writerow") else csv.writer(target, delimiter=delimiter)
        self._separator = decimal_separator

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([self._cell(value) for value in row])

    def _cell(self, value: object) -> object:
        if self._separator and isinstance(value, float):
            return str(value).replace(".", self._separator)
        return safe_cell(value)

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_bytes(rows: Iterable[Iterable[object]], *, delimiter: str = ";") -> bytes:
    """UTF-8 with a BOM and semicolons, so German Excel opens the file as it is."""
    out = io.StringIO()
    SafeCsvWriter(out, delimiter=delimiter).writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# Dates stay date cells (sortable, computable) but show as a German reader writes them; openpyxl's
# default would show 2025-03-31.
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"


class SafeSheet:
    def __init__(self, sheet) -> None:
        self._sheet = sheet

    def _cell(self, value: object) -> object:
        if isinstance(value, datetime):
            cell = WriteOnlyCell(self._sheet, value=value)
            cell.number_format = DATETIME_FORMAT
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(self._sheet, value=value)
            cell.number_format = DATE_FORMAT
            return cell
        return value

    def append(self, row: Iterable[object] = ()) -> None:
        self._sheet.append([self._cell(value) for value in safe_row(row)])


class SafeWorkbook:
    """A write-only openpyxl workbook whose sheets take rows through `safe_cell`."""

    def __init__(self) -> None:
        self._book = Workbook(write_only=True)

    def sheet(self, title: str) -> SafeSheet:
        return SafeSheet(self._book.create_sheet(title))

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self._book.save(out)
        return out.getvalue()
