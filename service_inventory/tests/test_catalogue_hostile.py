"""Hostile catalogue files: workbooks (bombs among them) are never opened, NUL characters are refused by line."""

import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.utils import translation

from core.tests import spreadsheets
from service_inventory.catalogue import LEIKA_COLUMNS, OZG_COLUMNS, CatalogueError, parse_catalogue
from service_inventory.models import OzgService, Service
from service_inventory.tests.test_catalogue import LEIKA, OZG

BOMBS = [
    spreadsheets.dimension_bomb,
    spreadsheets.lying_bomb,
    spreadsheets.wide_rows,
    spreadsheets.zip_bomb,
    spreadsheets.tight_member,
]


class HostileCatalogueTests(TestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_workbooks_and_bombs_are_refused_unopened(self) -> None:
        for build in BOMBS:
            with self.subTest(build.__name__):
                started = time.monotonic()
                with self.assertRaises(CatalogueError) as refused:
                    parse_catalogue(build(OZG_COLUMNS), build(LEIKA_COLUMNS))
                self.assertLess(time.monotonic() - started, 2)
                self.assertIn("Excel workbook", refused.exception.problems[0])
                self.assertIn("CSV UTF-8", refused.exception.problems[0])
        ordinary = spreadsheets.workbook([OZG_COLUMNS, ["10001", "Wohnsitz anmelden", "Wohnen", "Bauen"]])
        with self.assertRaises(CatalogueError):
            parse_catalogue(ordinary, LEIKA.encode())

    def test_the_command_refuses_a_bomb_and_writes_nothing(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            ozg, leika = Path(folder) / "ozg.csv", Path(folder) / "leika.csv"
            ozg.write_bytes(spreadsheets.dimension_bomb(OZG_COLUMNS))
            leika.write_bytes(LEIKA.encode())
            with self.assertRaisesMessage(CommandError, "nothing was written"):
                call_command("import_service_catalogue", ozg=ozg, leika=leika)
        self.assertFalse(OzgService.objects.exists())
        self.assertFalse(Service.objects.exists())

    def test_a_nul_is_refused_with_its_file_and_line(self) -> None:
        with self.assertRaises(CatalogueError) as refused:
            parse_catalogue(OZG.encode(), LEIKA.replace("Hundesteuer", "Hunde\x00steuer").encode())
        self.assertIn("line 3", refused.exception.problems[0])
        self.assertIn("NUL", refused.exception.problems[0])
