"""Writing cells that people open in spreadsheet programs: the one way every CSV and XLSX export writes.

Excel, LibreOffice and Google Sheets run a cell as a formula when its text begins with `=`, `+`,
`-` or `@` – also after leading blanks, tabs or line breaks, and in the full-width forms of those
signs – so user text such as `=HYPERLINK("http://evil", "x")` could send data elsewhere or start
programs ("CSV injection", OWASP). `safe_cell` puts an apostrophe in front of such text, the usual
way to keep it text; a leading tab, carriage return or line feed is treated the same way. openpyxl
would store a str beginning with "=" as a live formula, so XLSX cells need this just as much as
CSV cells. It also drops the control characters an XLSX file cannot hold (openpyxl refuses them).
Numbers, dates and empty cells pass unchanged.

An export only says what it holds: a `Table` (column headers, rows, the sheet's name) or several.
This module writes them, and nothing else writes a csv or an openpyxl sheet
(core/tests/test_exports_hostile.py checks every export): `csv_response` and `xlsx_response` (or
`table_response` for one table in either format) give the download, `csv_bytes` and `xlsx_bytes`
the file's content (for files that are kept, such as council reports), `dated_filename` its name.
CSV is UTF-8 with a BOM and semicolons, so German Excel opens it as it is.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_SIGNS = frozenset("=+-@＝＋－＠")
LEADING_BREAKS = frozenset("\t\r\n")
# What XML 1.0 (and so XLSX) cannot hold; openpyxl raises IllegalCharacterError for these.
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"  # lets Excel recognise UTF-8
DELIMITER = ";"


@dataclass(frozen=True)
class Table:
    """What an export holds: column headers and rows, and the name of its sheet in a workbook.

    `above` are lines before the header (a workbook's title and notes). With a
    `decimal_separator`, the CSV writes floats with it (German spreadsheet programs read "2,5" as
    a number); a workbook keeps them numbers anyway.
    """

    header: Sequence[object]
    rows: Iterable[Iterable[object]]
    title: str = ""
    above: Sequence[Sequence[object]] = ()
    decimal_separator: str = ""

    def lines(self) -> Iterator[Iterable[object]]:
        yield from self.above
        yield self.header
        yield from self.rows


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
    """A csv writer for a stream that writes every cell through `safe_cell`; floats with the
    `decimal_separator` if there is one (they are numbers, not text, and are not escaped)."""

    def __init__(self, stream, *, decimal_separator: str = "") -> None:
        self._writer = csv.writer(stream, delimiter=DELIMITER)
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


def _write_csv(stream, table: Table) -> None:
    stream.write(BOM)
    SafeCsvWriter(stream, decimal_separator=table.decimal_separator).writerows(table.lines())


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    _write_csv(out, table)
    return out.getvalue().encode("utf-8")


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


def xlsx_bytes(tables: Iterable[Table]) -> bytes:
    """A workbook with one sheet per table, in their order."""
    book = SafeWorkbook()
    for table in tables:
        sheet = book.sheet(table.title)
        for line in table.lines():
            sheet.append(line)
    return book.to_bytes()


def dated_filename(stem: str, fmt: str) -> str:
    """`ideen-2025-03-31.csv`: the name with the day of the export."""
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{fmt}"


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def csv_response(table: Table, *, filename: str) -> HttpResponse:
    # Written into the response as it goes, so no second copy of a long file is held.
    response = HttpResponse(content_type=CSV_TYPE)
    _write_csv(response, table)
    return _attachment(response, filename)


def xlsx_response(tables: Iterable[Table], *, filename: str) -> HttpResponse:
    return _attachment(HttpResponse(xlsx_bytes(tables), content_type=XLSX_TYPE), filename)


def table_response(fmt: str, table: Table, *, filename: str) -> HttpResponse:
    """One table as a CSV file (any `fmt` but "xlsx") or as a workbook with one sheet."""
    if fmt == "xlsx":
        return xlsx_response([table], filename=filename)
    return csv_response(table, filename=filename)
