"""core.exports: a Table becomes a CSV file (UTF-8 with a BOM, semicolons) or a workbook (dates as
date cells), with its file name; formulas never get through (more in test_exports_hostile.py)."""

import datetime
import io
from unittest import mock

from django.test import SimpleTestCase
from openpyxl import load_workbook

from core.exports import Table, csv_bytes, csv_response, dated_filename, table_response, xlsx_bytes, xlsx_response


def sheets(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


class CsvTests(SimpleTestCase):
    def test_it_writes_a_bom_semicolons_and_neutralised_formulas(self) -> None:
        table = Table(["Titel", "Anzahl"], [["=SUMME(A1)", 3], ["Radweg; breit", None]])
        self.assertEqual(csv_bytes(table), '\ufeffTitel;Anzahl\r\n\'=SUMME(A1);3\r\n"Radweg; breit";\r\n'.encode())

    def test_it_writes_the_lines_above_the_header_and_floats_with_the_decimal_separator(self) -> None:
        table = Table(["Punkte"], [[2.5], ["2.5"]], above=[["Runde"], []], decimal_separator=",")
        self.assertEqual(csv_bytes(table), "\ufeffRunde\r\n\r\nPunkte\r\n2,5\r\n2.5\r\n".encode())

    def test_dates_are_written_as_iso_dates(self) -> None:
        table = Table(["Tag"], [[datetime.date(2025, 3, 31)]])
        self.assertEqual(csv_bytes(table), "\ufeffTag\r\n2025-03-31\r\n".encode())

    def test_the_response_is_an_attachment_with_the_same_bytes(self) -> None:
        table = Table(["Straße"], [["-1"]])
        response = csv_response(table, filename="ideen-2025-03-31.csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="ideen-2025-03-31.csv"')
        self.assertEqual(response.content, "\ufeffStraße\r\n'-1\r\n".encode())


class XlsxTests(SimpleTestCase):
    def test_each_table_is_a_sheet_in_order_with_its_lines(self) -> None:
        data = xlsx_bytes(
            [
                Table(["Idee", "Punkte"], [["Radweg", 2.5]], title="Rangfolge", above=[["Runde 1"], []]),
                Table(["Kriterium"], [["Nutzen"]], title="Kriterien"),
            ]
        )
        self.assertEqual(
            sheets(data),
            {
                "Rangfolge": [("Runde 1", None), (None, None), ("Idee", "Punkte"), ("Radweg", 2.5)],
                "Kriterien": [("Kriterium",), ("Nutzen",)],
            },
        )

    def test_formulas_stay_text_and_dates_stay_dates(self) -> None:
        moment = datetime.datetime(2025, 3, 31, 14, 5)  # noqa: DTZ001 - spreadsheet cells hold local time, no zone
        data = xlsx_bytes([Table(["=Kopf()"], [["@SUM(1)", datetime.date(2025, 3, 31), moment]], title="Blatt")])
        book = load_workbook(io.BytesIO(data))
        (header, _empty, _empty_too), (text, day, when) = book["Blatt"].iter_rows()
        self.assertEqual((header.value, header.data_type), ("'=Kopf()", "s"))
        self.assertEqual((text.value, text.data_type), ("'@SUM(1)", "s"))
        self.assertEqual((day.value.date(), day.number_format), (datetime.date(2025, 3, 31), "DD.MM.YYYY"))
        self.assertEqual((when.value, when.number_format), (moment, "DD.MM.YYYY HH:MM"))

    def test_the_response_is_an_attachment(self) -> None:
        response = xlsx_response([Table(["A"], [], title="Blatt")], filename="leistungen-2025-03-31.xlsx")
        self.assertEqual(response["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="leistungen-2025-03-31.xlsx"')
        self.assertEqual(sheets(response.content), {"Blatt": [("A",)]})


class TableResponseTests(SimpleTestCase):
    def test_one_table_goes_out_as_csv_or_as_a_workbook_with_one_sheet(self) -> None:
        table = Table(["A"], [["b"]], title="Blatt")
        self.assertEqual(table_response("csv", table, filename="x.csv").content, "\ufeffA\r\nb\r\n".encode())
        workbook = table_response("xlsx", Table(["A"], [["b"]], title="Blatt"), filename="x.xlsx")
        self.assertEqual(sheets(workbook.content), {"Blatt": [("A",), ("b",)]})

    def test_the_file_name_carries_the_local_day(self) -> None:
        late_evening = datetime.datetime(2025, 3, 31, 22, 30, tzinfo=datetime.UTC)  # 1 April in Berlin
        with mock.patch("django.utils.timezone.now", return_value=late_evening):
            self.assertEqual(dated_filename("umfrage-7", "xlsx"), "umfrage-7-2025-04-01.xlsx")
