"""Reading tables people bring from elsewhere (CSV or XLSX), shared by every import.

CSV may be UTF-8 (with or without BOM) or Windows-1252, separated by `;` or `,` — German Excel
writes `;` and Windows-1252.
"""

import csv
import io
import zipfile
from datetime import date, datetime

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_BYTES = 5 * 1024 * 1024
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


def read_table(data: bytes) -> list[list[object]]:
    """The file as rows of cells; raises ValueError with a readable reason."""
    if len(data) > MAX_BYTES:
        raise ValueError(_("The file is larger than 5 MB."))
    if data[:4] == b"PK\x03\x04":
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise ValueError(_("The Excel file cannot be read.")) from error
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ValueError(_("The file is neither UTF-8 nor Windows-1252 text.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise ValueError(_("The file cannot be read as CSV: %(reason)s") % {"reason": error}) from error


def match_choice(value: str, choices: type, label: str) -> tuple[str | None, str | None]:
    wanted = value.strip().casefold()
    for member in choices:
        names = {member.value.casefold()}
        for language in ("de", "en"):
            with translation.override(language):
                names.add(str(member.label).casefold())
        if wanted in names:
            return member.value, None
    return None, _("unknown %(what)s “%(value)s”") % {"what": label, "value": value}


def parse_day(value: object) -> date:
    """A date from a cell: a real date, 2024-03-14 or 14.03.2024; raises ValueError with a readable reason."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar day, no time
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date (use 2024-03-14 or 14.03.2024)") % {"value": text})
