import io
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from openpyxl import Workbook

from installation.testing import BaseTestCase
from projects.importing import import_measures, parse_measures
from projects.models import Milestone, Project

HEADER = "Maßnahme;Status;Verantwortlich;Handlungsfeld;Beginn;Ende;Budget;Etappenziel;Fällig am;Erreicht am\n"
GOOD = (
    HEADER
    + "Digitale Zeiterfassung;in Umsetzung;FB 2.1;Digitale Verwaltungsleistungen;01.01.2025;30.06.2026;95.000,00;Dienstvereinbarung;31.05.2025;01.07.2025\n"
    + "Digitale Zeiterfassung;;;;;;;Terminals installiert;31.12.2025;\n"
    + "E-Akte;geplant;;;2026-01-01;2027-12-31;120000;Pilot;2026-06-30;\n"
)


class EnglishTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        self.enterContext(translation.override("en"))


class MeasuresParserTests(EnglishTestCase):
    def test_rows_group_into_projects_with_milestones(self) -> None:
        result = parse_measures(GOOD.encode("cp1252"))
        self.assertEqual(result.errors, [])
        first, second = result.projects
        self.assertEqual(first.title, "Digitale Zeiterfassung")
        self.assertEqual(first.values["status"], "in_implementation")
        self.assertEqual(first.values["unit"], self.unit)
        self.assertEqual(first.values["budget_planned"], Decimal("95000.00"))
        self.assertEqual([m["title"] for m in first.milestones], ["Dienstvereinbarung", "Terminals installiert"])
        self.assertEqual(first.milestones[0]["done_on"], date(2025, 7, 1))
        self.assertEqual(second.values["planned_start"], date(2026, 1, 1))

    def test_every_error_has_its_line_and_nothing_is_written(self) -> None:
        bad = (
            HEADER
            + "A;kaputt;FB 9;;01.01.2025;01.01.2024;-5;M;;\n"
            + "B;;;;01.01.2025;;;M2;31.12.2025;31.12.2024\n"
            + "A;abgeschlossen;;;;;;M3;31.12.2025;\n"
        )
        result = parse_measures(bad.encode())
        lines = sorted({line for line, _ in result.errors})
        self.assertEqual(lines, [2, 3, 4])
        messages = " ".join(m for _, m in result.errors)
        for expected in (
            "“kaputt”",
            "no unit is called",
            "negative",
            "no due date",
            "before the planned start",
            "done before the project starts",
            "differs from line 2",
        ):
            self.assertIn(expected, messages)
        with self.assertRaises(ValueError):
            import_measures(result)
        self.assertFalse(Project.objects.exists())

    def test_xlsx_and_a_custom_mapping(self) -> None:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["Nr", "Vorhaben", "Stufe", "Datum"])
        sheet.append([1, "Tablets für den Rat", "Beschluss", date(2027, 3, 31)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        guessed = parse_measures(buffer.getvalue())  # "Vorhaben" is not a known title column
        self.assertEqual(guessed.errors, [(1, "Choose which column holds the project title.")])
        result = parse_measures(buffer.getvalue(), mapping={"title": 1, "milestone": 2, "milestone_due": 3})
        self.assertEqual(result.errors, [])
        self.assertEqual(result.projects[0].milestones[0]["due_on"], date(2027, 3, 31))


class MeasuresImportViewTests(EnglishTestCase):
    def test_upload_map_preview_and_import(self) -> None:
        self.login(self.team)
        url = reverse("projects:import")
        upload = SimpleUploadedFile("massnahmen.csv", GOOD.encode("utf-8"), content_type="text/csv")
        response = self.client.post(url, {"action": "upload", "file": upload})
        self.assertContains(response, "Digitale Zeiterfassung")
        mapping = {f"map_{k}": str(v) for k, v in response.context["result"].mapping.items()}
        self.assertFalse(Project.objects.exists())
        response = self.client.post(url, {"action": "import", **mapping})
        self.assertRedirects(response, reverse("projects:list"))
        project = Project.objects.get(title="Digitale Zeiterfassung")
        self.assertEqual(project.milestones.count(), 2)
        self.assertEqual(project.progress, 50)
        self.assertEqual(list(project.fields_of_action.all()), [self.field])
        self.assertEqual(Milestone.objects.count(), 3)

    def test_a_wrong_mapping_shows_errors_and_imports_nothing(self) -> None:
        self.login(self.team)
        url = reverse("projects:import")
        upload = SimpleUploadedFile("massnahmen.csv", GOOD.encode("utf-8"), content_type="text/csv")
        self.client.post(url, {"action": "upload", "file": upload})
        response = self.client.post(url, {"action": "import", "map_title": "0", "map_planned_start": "1"})
        self.assertContains(response, "is not a date")
        self.assertFalse(Project.objects.exists())

    def test_other_files_are_refused(self) -> None:
        self.login(self.team)
        upload = SimpleUploadedFile("liste.pdf", b"%PDF", content_type="application/pdf")
        response = self.client.post(reverse("projects:import"), {"action": "upload", "file": upload})
        self.assertContains(response, ".csv or .xlsx")

    def test_command(self) -> None:
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "liste.csv"
            path.write_bytes(GOOD.encode("utf-8"))
            call_command("import_measures", str(path), "--dry-run", stdout=io.StringIO())
            self.assertFalse(Project.objects.exists())
            call_command("import_measures", str(path), stdout=io.StringIO())
            self.assertEqual(Project.objects.count(), 2)
            path.write_bytes(b"Massnahme;Beginn\nA;gestern\n")
            with self.assertRaises(CommandError):
                call_command("import_measures", str(path), stderr=io.StringIO())


class MeasuresFuzzTests(HypothesisTestCase):
    @settings(max_examples=200, deadline=None)
    @given(st.binary(max_size=1500))
    def test_arbitrary_bytes_never_crash(self, data: bytes) -> None:
        result = parse_measures(HEADER.encode() + data)
        self.assertTrue(result.projects or result.errors)
        for line, message in result.errors:
            self.assertGreaterEqual(line, 1)
            self.assertTrue(message)
