import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from openpyxl import Workbook

from ideas.importing import ideas_import, parse_ideas
from ideas.models import Idea, StatusChange
from installation.testing import BaseTestCase


def write_temp(data: bytes, suffix: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as handle:
        handle.write(data)
    return handle.name


class ParseTests(BaseTestCase):
    def test_german_excel_csv_with_semicolons_and_windows_1252(self) -> None:
        text = (
            "Titel;Beschreibung;Handlungsfeld;Status;Eingereicht am;Quelle\n"
            "Bürgerbüro-Termine online;Termine über das Portal buchen;Digitale Verwaltungsleistungen;im Ideenpool;14.03.2024;Bürgerschaft\n"
        )
        result = parse_ideas(text.encode("cp1252"))
        self.assertEqual(result.errors, [])
        row = result.rows[0]
        self.assertEqual(row["title"], "Bürgerbüro-Termine online")
        self.assertEqual(row["field_of_action"], self.field)
        self.assertEqual(row["status"], Idea.Status.IN_POOL)
        self.assertEqual(row["source"], Idea.Source.CITIZEN)
        self.assertEqual(row["submitted_at"].date().isoformat(), "2024-03-14")

    def test_english_utf8_csv_with_commas_and_bom(self) -> None:
        text = (
            '\ufefftitle,description,status,submitted_at\n"Open data, please",Publish the budget,declined,2023-01-02\n'
        )
        result = parse_ideas(text.encode("utf-8"))
        self.assertEqual(result.errors, [])
        self.assertEqual(result.rows[0]["title"], "Open data, please")
        self.assertEqual(result.rows[0]["status"], Idea.Status.DECLINED)

    def test_xlsx(self) -> None:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["Titel", "Beschreibung", "Eingereicht am"])
        sheet.append(["WLAN im Rathaus", "Für Besucherinnen und Besucher", None])
        sheet.append([None, None, None])
        sheet.append(["Sensoren für Parkplätze", "Freie Plätze anzeigen", "2024-05-01"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        result = parse_ideas(buffer.getvalue())
        self.assertEqual(result.errors, [])
        self.assertEqual([r["line"] for r in result.rows], [2, 4])

    def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(self) -> None:
        text = "Titel;Beschreibung;Handlungsfeld;Status;Eingereicht am\nGut;Beschreibung;;;\n;Ohne Titel;;;\nX;Y;Gibt es nicht;erfunden;32.13.2024\n"
        path = write_temp(text.encode("utf-8"), ".csv")
        with self.assertRaisesMessage(CommandError, "Nothing was imported: 4 errors"):
            call_command("import_ideas", path, "--no-embed", stderr=io.StringIO())
        result = parse_ideas(Path(path).read_bytes())
        self.assertEqual([line for line, _ in result.errors], [3, 4, 4, 4])
        self.assertIn("Gibt es nicht", result.errors[1][1])
        self.assertFalse(Idea.objects.filter(title="Gut").exists())

    def test_missing_required_columns_and_broken_files_are_refused(self) -> None:
        self.assertIn("title", parse_ideas(b"Name;Text\nA;B\n").errors[0][1])
        self.assertEqual(parse_ideas(b"Name;Text\nA;B\n").errors[0][0], 1)
        self.assertTrue(parse_ideas(b"PK\x03\x04garbage").errors)
        self.assertTrue(parse_ideas(b"").errors)
        self.assertTrue(parse_ideas(b"\x81\x8d\x8f\x90\x9d").errors)

    def test_oversized_texts_are_refused(self) -> None:
        result = parse_ideas(("Titel;Beschreibung\n" + "x" * 201 + ";ok\n").encode())
        self.assertEqual(result.errors[0][0], 2)


class ImportCommandTests(BaseTestCase):
    def test_it_imports_all_rows_with_a_status_history(self) -> None:
        text = "Titel;Beschreibung;Status\nEins;Erste Idee;prioritised\nZwei;Zweite Idee;\n"
        out = io.StringIO()
        call_command("import_ideas", write_temp(text.encode(), ".csv"), "--no-embed", stdout=out)
        self.assertIn("Imported 2 ideas", out.getvalue())
        idea = Idea.objects.get(title="Eins")
        self.assertEqual(idea.status, Idea.Status.PRIORITISED)
        self.assertTrue(idea.is_public)
        self.assertEqual(StatusChange.objects.filter(idea__title__in=["Eins", "Zwei"]).count(), 2)

    def test_dry_run_writes_nothing(self) -> None:
        call_command("import_ideas", write_temp(b"title;description\nA;B\n", ".csv"), "--dry-run", stdout=io.StringIO())
        self.assertFalse(Idea.objects.filter(title="A").exists())

    def test_a_missing_file_is_a_clear_error(self) -> None:
        with self.assertRaisesMessage(CommandError, "No such file"):
            call_command("import_ideas", "/nonexistent/ideas.csv")

    def test_writing_refuses_a_result_with_errors(self) -> None:
        with self.assertRaises(ValueError):
            ideas_import(result=parse_ideas(b"title;description\n;\n"))


class ImportViewTests(BaseTestCase):
    def upload(self, data: bytes, name: str = "ideen.csv"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post("/ideas/import/", {"file": SimpleUploadedFile(name, data), "action": "preview"})

    def test_preview_then_import(self) -> None:
        self.login(self.team)
        response = self.upload("Titel;Beschreibung\nEins;Erste\nZwei;Zweite\n".encode("cp1252"))
        self.assertContains(response, "Eins")
        self.assertFalse(Idea.objects.filter(title="Eins").exists())
        response = self.client.post("/ideas/import/", {"action": "import"})
        self.assertRedirects(response, "/ideas/")
        self.assertEqual(Idea.objects.filter(title__in=["Eins", "Zwei"]).count(), 2)

    def test_errors_are_listed_by_line_and_nothing_can_be_imported(self) -> None:
        self.login(self.team)
        response = self.upload(b"Titel;Beschreibung\n;leer\n")
        self.assertContains(response, "Zeile 2")
        self.assertNotContains(response, 'value="import"')
        self.assertFalse(Idea.objects.filter(description="leer").exists())

    def test_wrong_file_types_are_refused(self) -> None:
        self.login(self.team)
        self.assertContains(self.upload(b"<html>", "ideen.html"), "Bitte laden Sie eine .csv- oder .xlsx-Datei hoch.")

    def test_importing_without_a_preview_is_refused(self) -> None:
        self.login(self.team)
        response = self.client.post("/ideas/import/", {"action": "import"})
        self.assertRedirects(response, "/ideas/import/")
