"""The shared reader of imported tables: limits hold at their edges, ordinary files read as before."""

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase

from core.tables import MAX_BYTES, TableError, TableFileField, read_import, read_table
from core.tests import spreadsheets


class ReadTableTests(SimpleTestCase):
    def test_the_row_limit_holds_exactly(self) -> None:
        rows = "\n".join(f"Idee {n};Text" for n in range(10))
        self.assertEqual(len(read_table(f"Titel;Beschreibung\n{rows}\n".encode(), max_rows=10)), 11)
        with self.assertRaises(TableError):
            read_table(f"Titel;Beschreibung\n{rows}\nEine zu viel;Text\n".encode(), max_rows=10)
        # Blank lines after the last row are no rows, however many there are.
        self.assertEqual(len(read_table(f"Titel;Beschreibung\n{rows}\n".encode() + b";\n" * 50, max_rows=10)), 11)
        book = spreadsheets.workbook([["Titel"], *[[f"Idee {n}"] for n in range(11)]])
        with self.assertRaises(TableError):
            read_table(book, max_rows=10)

    def test_the_column_limit_holds_exactly_and_names_the_line(self) -> None:
        self.assertEqual(len(read_table((";".join("x" * 5) + "\n").encode(), max_columns=5)[0]), 5)
        with self.assertRaises(TableError) as refused:
            read_table(("a;b\n" + ";".join("x" * 6) + "\n").encode(), max_columns=5)
        self.assertEqual(refused.exception.line, 2)
        # Empty cells at the end of a row do not count.
        self.assertEqual(read_table(("a;b" + ";" * 500 + "\n").encode(), max_columns=5), [["a", "b"]])

    def test_broken_workbooks_are_a_message(self) -> None:
        for data in (
            b"PK\x03\x04garbage",
            spreadsheets.rewrite_sheet(spreadsheets.workbook([["a"]]), lambda xml: xml[: len(xml) // 2]),
            spreadsheets.rewrite_sheet(spreadsheets.workbook([["a"]]), lambda xml: xml.replace('r="1"', 'r="x"')),
            spreadsheets.rewrite_sheet(
                spreadsheets.workbook([["a"]]), lambda xml: xml.replace('r="1"', 'r="99999999999"')
            ),
        ):
            with self.subTest(data=data[:20]), self.assertRaises(TableError):
                read_table(data)


class ImportUploadTests(SimpleTestCase):
    """What every import form and parser shares: the kind and size of the file, and an empty file."""

    def test_the_field_takes_csv_and_xlsx_up_to_the_limit_and_refuses_others(self) -> None:
        field = TableFileField(label="Datei")
        self.assertIn(".xlsx", field.widget.attrs["accept"])
        self.assertEqual(field.clean(SimpleUploadedFile("ideen.CSV", b"titel\n")).name, "ideen.CSV")
        for upload, code in (
            (SimpleUploadedFile("ideen.ods", b"titel\n"), "kind"),
            (SimpleUploadedFile("ideen.xlsx", b"x" * (MAX_BYTES + 1)), "size"),
        ):
            with self.subTest(upload.name), self.assertRaises(forms.ValidationError) as raised:
                field.clean(upload)
            self.assertEqual(raised.exception.code, code)

    def test_an_empty_file_is_refused_on_line_1(self) -> None:
        with self.assertRaises(TableError) as raised:
            read_import(b"")
        self.assertEqual((raised.exception.line, str(raised.exception)), (1, "Die Datei ist leer."))
        self.assertEqual(read_import(b"titel\n"), [["titel"]])
