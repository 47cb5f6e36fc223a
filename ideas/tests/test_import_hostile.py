"""Hostile idea lists: spreadsheet bombs and NUL characters are refused with a message; nothing is written."""

import io
import tempfile
import time
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from core.tests import spreadsheets
from ideas.importing import parse_ideas
from ideas.models import Idea
from installation.testing import BaseTestCase

HEADER = ["Titel", "Beschreibung"]
BOMBS = {
    "one cell at XFD1048576": spreadsheets.dimension_bomb,
    "the same without a declared size": spreadsheets.lying_bomb,
    "rows 16,384 cells wide": spreadsheets.wide_rows,
    "a sheet unpacking to 60 MB": spreadsheets.zip_bomb,
    "one member packed 1,000 to 1": spreadsheets.tight_member,
}


class SpreadsheetBombTests(BaseTestCase):
    def upload(self, data: bytes, name: str = "ideen.xlsx"):
        return self.client.post("/ideas/import/", {"file": SimpleUploadedFile(name, data), "action": "preview"})

    def test_every_bomb_is_refused_quickly_on_upload_and_nothing_is_written(self) -> None:
        self.login(self.team)
        before = Idea.objects.count()
        for what, build in BOMBS.items():
            with self.subTest(what):
                data = build(HEADER)
                self.assertLess(len(data), 100_000)
                started = time.monotonic()
                response = self.upload(data)
                self.assertLess(time.monotonic() - started, 5)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "nichts wurde importiert")
                self.assertNotContains(response, 'value="import"')
                self.assertNotIn("idea_import", self.client.session)
        self.assertEqual(Idea.objects.count(), before)

    def test_the_messages_say_why(self) -> None:
        self.assertIn("20000", parse_ideas(spreadsheets.dimension_bomb(HEADER)).errors[0][1])
        self.assertIn("200", parse_ideas(spreadsheets.wide_rows(HEADER)).errors[0][1])
        self.assertIn("50 MB", parse_ideas(spreadsheets.zip_bomb(HEADER)).errors[0][1])

    def test_the_command_refuses_a_bomb(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "ideen.xlsx"
            path.write_bytes(spreadsheets.dimension_bomb(HEADER))
            with self.assertRaises(CommandError):
                call_command("import_ideas", str(path), "--no-embed", stderr=io.StringIO())
        self.assertFalse(Idea.objects.filter(title="x").exists())

    def test_an_ordinary_workbook_with_blank_rows_and_columns_still_reads(self) -> None:
        data = spreadsheets.workbook(
            [[*HEADER, None, "Notiz"], ["WLAN", "Im Rathaus", None, None], [None], ["Sensoren", "Parkplätze"]]
        )
        result = parse_ideas(data)
        self.assertEqual(result.errors, [])
        self.assertEqual([(r["line"], r["title"]) for r in result.rows], [(2, "WLAN"), (4, "Sensoren")])


class NulCharacterTests(BaseTestCase):
    def upload(self, data: bytes, name: str):
        return self.client.post("/ideas/import/", {"file": SimpleUploadedFile(name, data), "action": "preview"})

    def test_a_nul_in_a_csv_row_is_refused_with_its_line(self) -> None:
        result = parse_ideas("Titel;Beschreibung\nGut;Gut\nBö\x00se;Text\n".encode())
        self.assertEqual(result.errors[0][0], 3)
        self.assertIn("NUL", result.errors[0][1])
        self.assertEqual(result.rows, [])
        cp1252 = parse_ideas("Titel;Beschreibung\nGut;Über\x00\n".encode("cp1252"))
        self.assertEqual(cp1252.errors[0][0], 2)

    def test_a_nul_in_an_upload_writes_nothing(self) -> None:
        self.login(self.team)
        for name, data in (
            ("ideen.csv", b"Titel;Beschreibung\nNull\x00Titel;Beschreibung\n"),
            ("ideen.csv", b"Titel;Beschreibung\nTitel;Beschrei\x00bung\n"),
            ("ideen.xlsx", spreadsheets.with_nul([HEADER, ["Null\x00Titel", "Beschreibung"]])),
        ):
            with self.subTest(name=name, data=data[:40]):
                response = self.upload(data, name)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "nichts wurde importiert")
                self.assertNotContains(response, 'value="import"')
                response = self.client.post("/ideas/import/", {"action": "import"})
                self.assertRedirects(response, "/ideas/import/")
        self.assertFalse(Idea.objects.filter(description__startswith="Beschrei").exists())

    def test_the_command_refuses_a_nul(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "ideen.csv"
            path.write_bytes(b"Titel;Beschreibung\nNull\x00Titel;Beschreibung\n")
            stderr = io.StringIO()
            with self.assertRaisesMessage(CommandError, "Nothing was imported: 1 errors"):
                call_command("import_ideas", str(path), "--no-embed", stderr=stderr)
        self.assertIn("line 2: ", stderr.getvalue())
        self.assertFalse(Idea.objects.filter(description="Beschreibung").exists())
