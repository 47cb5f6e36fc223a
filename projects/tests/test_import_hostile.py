"""Hostile measures lists: spreadsheet bombs and NUL characters are refused with a message; nothing is written."""

import io
import tempfile
import time
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from core.tests import spreadsheets
from projects.importing import parse_measures
from projects.models import Milestone, Project
from projects.tests.test_import import HEADER, EnglishTestCase

COLUMNS = HEADER.strip().split(";")
BOMBS = {
    "one cell at XFD1048576": spreadsheets.dimension_bomb,
    "the same without a declared size": spreadsheets.lying_bomb,
    "rows 16,384 cells wide": spreadsheets.wide_rows,
    "a sheet unpacking to 60 MB": spreadsheets.zip_bomb,
    "one member packed 1,000 to 1": spreadsheets.tight_member,
}


class SpreadsheetBombTests(EnglishTestCase):
    def test_every_bomb_is_refused_quickly_on_upload_and_nothing_is_written(self) -> None:
        self.login(self.team)
        for what, build in BOMBS.items():
            with self.subTest(what):
                upload = SimpleUploadedFile("massnahmen.xlsx", build(COLUMNS))
                started = time.monotonic()
                response = self.client.post(reverse("projects:import"), {"action": "upload", "file": upload})
                self.assertLess(time.monotonic() - started, 5)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "nothing can be imported yet")
                self.assertNotContains(response, 'value="import"')
                response = self.client.post(reverse("projects:import"), {"action": "import", "map_title": "0"})
                self.assertNotEqual(response.status_code, 500)
        self.assertFalse(Project.objects.exists())

    def test_the_reasons_are_told(self) -> None:
        self.assertIn("5000", parse_measures(spreadsheets.dimension_bomb(COLUMNS)).errors[0][1])
        self.assertIn("200 columns", parse_measures(spreadsheets.wide_rows(COLUMNS)).errors[0][1])
        self.assertIn("50 MB", parse_measures(spreadsheets.zip_bomb(COLUMNS)).errors[0][1])

    def test_the_command_refuses_a_bomb(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "liste.xlsx"
            path.write_bytes(spreadsheets.dimension_bomb(COLUMNS))
            with self.assertRaises(CommandError):
                call_command("import_measures", str(path), stderr=io.StringIO())
        self.assertFalse(Project.objects.exists())


class NulCharacterTests(EnglishTestCase):
    ROW = "E-Akte;geplant;;;2026-01-01;2027-12-31;120000;Pilot;2026-06-30;\n"

    def test_a_nul_anywhere_in_a_row_is_refused_with_its_line(self) -> None:
        for bad_row in (self.ROW.replace("E-Akte", "E-\x00Akte"), self.ROW.replace("Pilot", "Pi\x00lot")):
            with self.subTest(bad_row=bad_row):
                result = parse_measures((HEADER + self.ROW + bad_row).encode())
                self.assertEqual([line for line, _ in result.errors], [3])
                self.assertIn("NUL", result.errors[0][1])
                self.assertFalse(result.ok)

    def test_an_upload_with_a_nul_writes_nothing(self) -> None:
        self.login(self.team)
        url = reverse("projects:import")
        for name, data in (
            ("liste.csv", (HEADER + self.ROW.replace("Pilot", "Pi\x00lot")).encode()),
            ("liste.xlsx", spreadsheets.with_nul([COLUMNS, ["E-\x00Akte", "geplant"]])),
        ):
            with self.subTest(name):
                response = self.client.post(url, {"action": "upload", "file": SimpleUploadedFile(name, data)})
                self.assertContains(response, "nothing can be imported yet")
                mapping = {f"map_{k}": str(v) for k, v in response.context["result"].mapping.items()}
                response = self.client.post(url, {"action": "import", "map_title": "0", **mapping})
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, 'value="import"')
        self.assertFalse(Project.objects.exists())
        self.assertFalse(Milestone.objects.exists())
