"""Reading tables people bring from elsewhere (CSV or XLSX), shared by every import.

CSV may be UTF-8 (with or without BOM) or Windows-1252, separated by `;` or `,` — German Excel
writes `;` and Windows-1252.
"""

import csv
import io
import secrets
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

from django import forms
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_BYTES = 5 * 1024 * 1024
# An XLSX file is a zip of XML files; a few kilobytes can unpack to gigabytes or declare a sheet of
# 17 billion cells. Both are refused before openpyxl builds anything (see docs/ideas.md, "Import").
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PACKING_RATIO = 100  # unpacked to packed size of one member; office files stay far below
MAX_MEMBERS = 1000
MAX_COLUMNS = 200
MAX_ROWS = 20_000
EXCEL_LAST_ROW = 1_048_576
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


class TableError(ValueError):
    """The file cannot be taken; `line` says where (1 for the file as a whole)."""

    def __init__(self, message: str, *, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


class TableFileField(forms.FileField):
    """An upload field for a CSV or Excel table: the file picker offers both, and a file of another
    kind or larger than MAX_BYTES is refused on the form before anything reads it."""

    ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": self.ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> UploadedFile | None:
        upload = super().clean(data, initial)
        if upload:
            if not (upload.name or "").lower().endswith((".csv", ".xlsx")):
                raise forms.ValidationError(_("Please upload a .csv or .xlsx file."), code="kind")
            if upload.size is None or upload.size > MAX_BYTES:
                raise forms.ValidationError(_("The file is larger than 5 MB."), code="size")
        return upload


def is_workbook(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def read_table(data: bytes, *, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS) -> list[list[object]]:
    """The file as rows of cells, the header row included; raises TableError with a readable reason.

    At most `max_rows` rows below the header and `max_columns` columns are read; a larger file is
    refused as a whole, and so is a cell with a NUL character (a database cannot store it).
    """
    if len(data) > MAX_BYTES:
        raise TableError(_("The file is larger than 5 MB."))
    if is_workbook(data):
        return read_workbook(data, max_rows=max_rows, max_columns=max_columns)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise TableError(_("The file is neither UTF-8 nor Windows-1252 text.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        return _collect(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), max_rows, max_columns)
    except csv.Error as error:
        raise TableError(_("The file cannot be read as CSV: %(reason)s") % {"reason": error}) from error


def read_import(data: bytes, *, max_rows: int = MAX_ROWS) -> list[list[object]]:
    """`read_table` for an import: a file without a single row (not even a header) is refused as empty."""
    table = read_table(data, max_rows=max_rows)
    if not table:
        raise TableError(_("The file is empty."))
    return table


def read_workbook(data: bytes, *, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS) -> list[list[object]]:
    """The first sheet of an XLSX file, checked for its unpacked size and declared size before reading."""
    _check_packing(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UNREADABLE as error:
        raise TableError(_("The Excel file cannot be read.")) from error
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise TableError(_("The Excel file cannot be read."))
        # The size the sheet declares (<dimension ref="A1:XFD1048576"/>) – refused before a row is built.
        if (sheet.max_row or 0) > max_rows + 1:
            raise TableError(_("At most %(max)d rows can be imported at once.") % {"max": max_rows})
        if (sheet.max_column or 0) > max_columns:
            raise TableError(_("At most %(max)d columns can be read.") % {"max": max_columns})
        # A declaration can lie or be missing: read row by row as far as the file goes, padding nothing.
        sheet.reset_dimensions()
        return _collect(_within_excel(sheet.iter_rows(values_only=True)), max_rows, max_columns)
    except TableError:
        raise
    except UNREADABLE as error:
        raise TableError(_("The Excel file cannot be read.")) from error
    finally:
        workbook.close()


UNREADABLE = (
    zipfile.BadZipFile,
    KeyError,
    OSError,
    ValueError,
    IndexError,
    TypeError,
    ParseError,
    zlib.error,
    EOFError,
)


def _within_excel(rows: Iterable[Sequence[object]]) -> Iterator[Sequence[object]]:
    """The rows, refused past Excel's last row (a row number no spreadsheet program writes)."""
    for line, row in enumerate(rows, start=1):
        if line > EXCEL_LAST_ROW:
            raise TableError(_("The Excel file cannot be read."))
        yield row


def _check_packing(data: bytes) -> None:
    """Refuse a zip whose members would unpack to too much, judged from the zip's directory alone.

    Python's zipfile never unpacks more than a member's declared size, so the declaration is binding.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise TableError(_("The Excel file cannot be read.")) from error
    unpacked = sum(member.file_size for member in members)
    too_tight = any(
        member.file_size > 1024 * 1024 and member.file_size > MAX_PACKING_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES or too_tight:
        raise TableError(
            _("The Excel file would unpack to more than %(max)d MB or is packed unusually tightly; it was not opened.")
            % {"max": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )


def _collect(source: Iterable[Sequence[object]], max_rows: int, max_columns: int) -> list[list[object]]:
    """Rows without their empty trailing cells, checked one by one as they are read."""
    rows: list[list[object]] = []
    for line, row in enumerate(source, start=1):
        cells = list(row)
        while cells and cells[-1] in (None, ""):
            cells.pop()
        if not cells:
            if line <= max_rows + 1:
                rows.append(cells)  # a blank line keeps the line numbers of the rows below it
            continue
        if line > max_rows + 1:
            raise TableError(_("At most %(max)d rows can be imported at once.") % {"max": max_rows})
        if len(cells) > max_columns:
            raise TableError(_("At most %(max)d columns can be read.") % {"max": max_columns}, line=line)
        if any(isinstance(cell, str) and "\x00" in cell for cell in cells):
            raise TableError(_("the row contains a NUL character, which cannot be stored"), line=line)
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def match_choice(value: str, choices: type[models.Choices], label: str) -> tuple[str | None, str | None]:
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


@dataclass(frozen=True)
class StagedUpload:
    """An import file kept between its preview and the import: written under
    MEDIA_ROOT/imports/ with a random name that only the session of the uploader knows
    (`<name>_import`), read again at the import and removed after it."""

    name: str

    @property
    def session_key(self) -> str:
        return f"{self.name}_import"

    def _path(self, token: str) -> Path:
        return Path(settings.MEDIA_ROOT) / "imports" / f"{self.name}-{token}.bin"

    def keep(self, session: SessionBase, data: bytes) -> None:
        token = secrets.token_hex(16)
        self._path(token).parent.mkdir(parents=True, exist_ok=True)
        self._path(token).write_bytes(data)
        session[self.session_key] = token

    def read(self, session: SessionBase) -> bytes | None:
        """The kept file, or None when there is none (never uploaded, imported, or cleaned up)."""
        token = session.get(self.session_key, "")
        path = self._path(token) if token.isalnum() else None
        return path.read_bytes() if path is not None and path.exists() else None

    def discard(self, session: SessionBase) -> None:
        self._path(session.pop(self.session_key)).unlink(missing_ok=True)
