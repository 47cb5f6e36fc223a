"""Hostile spreadsheets for the import tests, built in memory (nothing of this is checked in)."""

import io
import re
import zipfile

from openpyxl import Workbook


def workbook(rows: list[list[object]], **cells: object) -> bytes:
    """An ordinary XLSX file: the rows from A1 on, plus single cells by coordinate (`XFD1048576="x"`)."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for coordinate, value in cells.items():
        sheet[coordinate] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_sheet(data: bytes, change, member_name: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The same XLSX with one member's XML (the first sheet's) changed by `change(xml: str) -> str`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == member_name:
                content = change(content.decode()).encode()
            target.writestr(member.filename, content)
    return out.getvalue()


def dimension_bomb(header: list[str]) -> bytes:
    """A few kilobytes with one cell at XFD1048576: 17 billion cells if a reader fills the gaps."""
    return workbook([header], XFD1048576="x")


def lying_bomb(header: list[str]) -> bytes:
    """The same cell, but the sheet claims to be A1:B2 (or says nothing about its size)."""
    return rewrite_sheet(dimension_bomb(header), lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', "", xml))


def wide_rows(header: list[str], rows: int = 50) -> bytes:
    """Every row has a cell in the last column, XFD: 16,384 cells per row if padded."""
    return rewrite_sheet(
        workbook([header], **{f"XFD{n}": "x" for n in range(2, rows + 2)}),
        lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:B2"/>', xml),
    )


def zip_bomb(header: list[str], megabytes: int = 60) -> bytes:
    """A sheet whose XML unpacks to `megabytes` MB (blanks) from a few dozen kilobytes."""
    padding = " " * (megabytes * 1024 * 1024)
    return rewrite_sheet(workbook([header]), lambda xml: xml.replace("<sheetData>", "<sheetData>" + padding, 1))


def tight_member(header: list[str]) -> bytes:
    """Under the total limit, but one member packed 1,000 to 1: refused by the ratio alone."""
    return zip_bomb(header, megabytes=3)


def with_nul(rows: list[list[object]]) -> bytes:
    """An XLSX whose cell text holds a NUL character, written as the character reference &#0; (XML forbids it)."""
    marked = [[("NULMARK" if isinstance(cell, str) and "\x00" in cell else cell) for cell in row] for row in rows]
    return rewrite_sheet(workbook(marked), lambda xml: xml.replace("NULMARK", "a&#0;b"))
