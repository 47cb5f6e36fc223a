"""export_all and import_all move a whole installation into a fresh database unchanged."""

import gzip
import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TransactionTestCase

from core.demo import load_demo
from ideas.models import Idea
from surveys.models import Response


def records(path: Path) -> list:
    """The records of an export file in a stable order."""
    # A time whose microseconds are below one millisecond is written "…:52.000Z" the first time and,
    # read back with those microseconds cut off, "…:52Z" the second: the same instant.
    data = json.loads(gzip.decompress(path.read_bytes()).decode().replace('.000Z"', 'Z"'))
    return sorted(data, key=lambda r: (r["model"], json.dumps(r.get("pk")), json.dumps(r["fields"], sort_keys=True)))


class ExportImportTests(TransactionTestCase):
    def test_round_trip_into_a_fresh_database(self) -> None:
        """Export, import into an emptied database, export again: both files hold the same records.

        (Django's JSON serialiser keeps times to the millisecond, so the comparison is between
        the two exports, not with the microseconds the first database happened to hold.)
        """
        load_demo()
        ideas, responses = Idea.objects.count(), Response.objects.count()
        with tempfile.TemporaryDirectory() as folder:
            first, second = Path(folder) / "first.json.gz", Path(folder) / "second.json.gz"
            call_command("export_all", str(first), stdout=StringIO())
            call_command("flush", interactive=False, verbosity=0)
            self.assertEqual(Idea.objects.count(), 0)
            call_command("import_all", str(first), stdout=StringIO())
            call_command("export_all", str(second), stdout=StringIO())
            before, after = records(first), records(second)
        self.assertGreater(len(before), 400)
        self.assertEqual(after, before)
        self.assertGreater(ideas, 0)
        self.assertEqual((Idea.objects.count(), Response.objects.count()), (ideas, responses))

    def test_import_refuses_a_database_with_data(self) -> None:
        load_demo()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "etappe.json"
            call_command("export_all", str(path), stdout=StringIO())
            with self.assertRaisesMessage(CommandError, "already holds data"):
                call_command("import_all", str(path))

    def test_a_broken_file_writes_nothing(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "broken.json"
            path.write_text(
                '[{"model": "ideas.idea", "pk": 1, "fields": {"title": "x", "description": "y"}}, {"model": "nope.nope"}]'
            )
            with self.assertRaisesMessage(CommandError, "wrote nothing"):
                call_command("import_all", str(path))
        self.assertEqual(Idea.objects.count(), 0)

    def test_bad_file_names_are_refused(self) -> None:
        with self.assertRaisesMessage(CommandError, "must end in"):
            call_command("export_all", "export.txt")
        with self.assertRaisesMessage(CommandError, "no file"):
            call_command("import_all", "does-not-exist.json")
