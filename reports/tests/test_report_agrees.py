"""The council report agrees with the records the project pages show: every section of the report
(HTML/PDF), every sheet of the workbook and the CSV, every column header in German and English.

The portfolio below has known status changes (in the progress log with a reason, told only by a
project's actual dates, outside the period), milestones (reached, reached late, missed, due later)
and key figures (a measurement after the period, a unit "%"). Expected values are read from the
database here, independently of reports.content, by what each header names.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser

from django.utils import translation
from openpyxl import load_workbook

from installation.testing import BaseTestCase, make_field
from lessons.models import Lesson
from lessons.testing import make_lesson
from projects.models import Kpi, LogEntry, Measurement, Milestone, Project
from projects.services import log_status_change
from reports.content import gather
from reports.rendering import render_csv, render_xlsx, report_html

START, END = date(2025, 1, 1), date(2025, 12, 31)
REASON = "Zu wenige passende Antworten; die Pflege war keiner Stelle zugeordnet."

# Column headers of the workbook, German and English, sheet by sheet.
HEADERS = {
    ("Projekte", "Projects"): (
        [
            *("Projekt", "Status", "Einschätzung", "Zuständige Organisationseinheit", "Fortschritt (%)"),
            *("Budget geplant (€)", "Budget ausgegeben (€)", "Geplantes Ende", "Tatsächlicher Beginn"),
            *("Tatsächliches Ende", "Handlungsfelder", "Sichtbarkeit"),
        ],
        [
            *("Project", "Status", "Assessment", "Responsible unit", "Progress (%)", "Budget planned (€)"),
            *("Budget spent (€)", "Planned end", "Actual start", "Actual end", "Fields of action", "Visibility"),
        ],
    ),
    ("Handlungsfelder", "Fields of action"): (
        [
            *("Handlungsfeld", "Projekte", "Durchschnittlicher Fortschritt (%)", "Erreichte Etappenziele"),
            "Verfehlte Etappenziele",
        ],
        ["Field of action", "Projects", "Average progress (%)", "Milestones reached", "Milestones missed"],
    ),
    ("Etappenziele", "Milestones"): (
        ["Projekt", "Etappenziel", "Fällig am", "Erreicht am", "Erreicht oder verfehlt"],
        ["Project", "Milestone", "Due on", "Done on", "Reached or missed"],
    ),
    ("Statusänderungen", "Status changes"): (
        ["Datum", "Projekt", "Neuer Status", "Begründung"],
        ["Date", "Project", "New status", "Reason"],
    ),
    ("Kennzahlen", "Key figures"): (
        ["Projekt", "Kennzahl", "Einheit", "Ausgangswert", "Zielwert", "Letzter Wert", "Gemessen am"],
        ["Project", "Key figure", "Unit", "Baseline", "Target", "Latest value", "Measured on"],
    ),
    ("Erfahrungsberichte", "Lessons learned"): (
        ["Erfahrungsbericht", "Ergebnis", "Projekt"],
        ["Lesson", "Outcome", "Project"],
    ),
}


def as_date(value):
    return value.date() if isinstance(value, datetime) else value


class Sections(HTMLParser):
    """The report's HTML as {section id: {"tables": [[row cells], …], "text": "…"}}."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, dict] = {}
        self.current: dict | None = None
        self.cell: list[str] | None = None
        self.row: list[str] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "h2" and dict(attrs).get("id"):
            self.current = self.sections.setdefault(dict(attrs)["id"], {"tables": [], "text": ""})
        elif self.current is not None and tag == "table":
            self.current["tables"].append([])
        elif self.current is not None and tag == "tr":
            self.row = []
        elif self.row is not None and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.current["tables"][-1].append(self.row)
            self.row = None

    def handle_data(self, data) -> None:
        if self.cell is not None:
            self.cell.append(data)
        if self.current is not None:
            self.current["text"] += data


def sections(html: str) -> dict[str, dict]:
    parser = Sections()
    parser.feed(html)
    return parser.sections


class ReportAgreesWithTheRecordsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.other_field = make_field(strategy=cls.strategy, title="Digitaler Arbeitsplatz", position=2)
        P = Project.Status
        cls.portal = Project.objects.create(
            title="Online-Bürgerbüro",
            status=P.IN_IMPLEMENTATION,
            unit=cls.unit,
            actual_start=date(2025, 2, 1),
            planned_end=date(2026, 6, 30),
            budget_planned=Decimal(1000),
            budget_spent=Decimal(400),
            progress=40,
            last_traffic_light=LogEntry.Light.GREEN,
        )
        cls.portal.fields_of_action.add(cls.field)
        cls.chatbot = Project.objects.create(
            title="Chatbot",
            status=P.STOPPED,
            status_reason=REASON,
            actual_start=date(2024, 9, 1),
            actual_end=date(2025, 3, 31),
            progress=67,
            last_traffic_light=LogEntry.Light.RED,
        )
        cls.chatbot.fields_of_action.add(cls.field)
        log_status_change(project=cls.chatbot, by=cls.team, on=date(2025, 3, 31))
        cls.wallet = Project.objects.create(
            title="Dienstausweis im Wallet",
            status=P.COMPLETED,
            actual_start=date(2024, 9, 1),
            actual_end=date(2025, 6, 30),
            progress=100,
        )
        cls.wallet.fields_of_action.add(cls.other_field)
        cls.council_work = Project.objects.create(title="Digitale Ratsarbeit", status=P.PLANNED)
        cls.time_recording = Project.objects.create(
            title="Zeiterfassung",
            status=P.IN_IMPLEMENTATION,
            actual_start=date(2024, 1, 15),
            last_traffic_light=LogEntry.Light.GREEN,
            progress=50,
        )
        cls.time_recording.fields_of_action.add(cls.other_field)
        cls.internal = Project.objects.create(
            title="Interne Aktenablage", status=P.FINALISING, visibility=Project.Visibility.INTERNAL
        )

        def milestone(project, title, due_on, done_on=None):
            Milestone.objects.create(
                project=project, title=title, definition_of_done="x", due_on=due_on, done_on=done_on
            )

        milestone(cls.portal, "Termine online", date(2025, 3, 1), date(2025, 2, 20))
        milestone(cls.portal, "Bezahlen online", date(2024, 12, 1), date(2025, 1, 10))  # late, reached in the period
        milestone(cls.portal, "Gebühren online", date(2025, 6, 1))  # missed, and overdue today
        milestone(cls.portal, "Alle Leistungen online", date(2099, 1, 1))
        milestone(cls.wallet, "Pilot", date(2025, 3, 31), date(2025, 3, 20))
        milestone(cls.wallet, "Vorstudie", date(2024, 6, 1), date(2024, 5, 1))  # before the period
        milestone(cls.internal, "Scanner beschafft", date(2025, 4, 1), date(2025, 4, 2))
        kpi = Kpi.objects.create(project=cls.portal, name="Online-Anträge", unit="%", baseline=10, target=80)
        Measurement.objects.create(kpi=kpi, measured_on=date(2025, 5, 1), value=42)
        Measurement.objects.create(kpi=kpi, measured_on=date(2026, 2, 1), value=60)  # after the period
        Kpi.objects.create(project=cls.time_recording, name="Papierzettel", unit="Stück pro Monat", target=0)
        make_lesson(
            title="Warum unser Chatbot gescheitert ist",
            scope=Lesson.Scope.PROJECT,
            project=cls.chatbot,
            published_at="2025-05-01T10:00:00+00:00",
        )

    def report(self, language: str, *, internal: bool = False):
        with translation.override(language):
            content = gather(title="Sachstand 2025", start=START, end=END, include_internal=internal)
            return content, report_html(content), load_workbook(io.BytesIO(render_xlsx(content))), render_csv(content)

    # What the project pages show, read here without reports.content.

    def public_projects(self):
        return list(Project.objects.public().with_track().order_by("title"))

    def expected_status_changes(self, language: str) -> list[list]:
        with translation.override(language):
            labels = dict(Project.Status.choices)
            return [
                [date(2025, 2, 1), "Online-Bürgerbüro", str(labels["in_implementation"]), None],
                [date(2025, 3, 31), "Chatbot", str(labels["stopped"]), REASON],
                [date(2025, 6, 30), "Dienstausweis im Wallet", str(labels["completed"]), None],
            ]

    def test_every_sheet_has_the_right_headers_and_the_records_values_in_german_and_english(self) -> None:
        for index, language in enumerate(("de", "en")):
            with self.subTest(language):
                _content, _html, book, _csv = self.report(language)
                names = [name[index] for name in HEADERS]
                summary_name = "Zusammenfassung" if language == "de" else "Summary"
                self.assertEqual(book.sheetnames, [summary_name, *names])
                for name, headers in zip(names, (h[index] for h in HEADERS.values()), strict=True):
                    rows = list(book[name].iter_rows(values_only=True))
                    self.assertEqual(list(rows[0]), headers, name)
                self.check_projects(book[names[0]], language)
                self.check_milestones(book[names[2]], language)
                self.check_status_changes(book[names[3]], language)
                self.check_kpis(book[names[4]])
                rows = list(book[names[5]].iter_rows(values_only=True))[1:]
                self.assertEqual([row[0] for row in rows], ["Warum unser Chatbot gescheitert ist"])
                self.assertEqual(rows[0][2], "Chatbot")

    def check_projects(self, sheet, language: str) -> None:
        rows = list(sheet.iter_rows(values_only=True))
        header, body = rows[0], {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
        projects = self.public_projects()
        self.assertEqual(sorted(body), [p.title for p in projects])
        with translation.override(language):
            for project in projects:
                row = list(body[project.title].values())
                track = project.track
                expected = [
                    project.title,
                    str(project.get_status_display()),
                    str(track.label) if track else None,
                    project.unit.name if project.unit else None,
                    project.progress,
                    float(project.budget_planned) if project.budget_planned is not None else None,
                    float(project.budget_spent) if project.budget_spent is not None else None,
                    project.planned_end,
                    project.actual_start,
                    project.actual_end,
                    ", ".join(project.fields_of_action.values_list("title", flat=True)) or None,
                    str(project.get_visibility_display()),
                ]
                self.assertEqual([as_date(value) for value in row], expected, (header, project.title))

    def check_milestones(self, sheet, language: str) -> None:
        rows = [[as_date(v) for v in row] for row in list(sheet.iter_rows(values_only=True))[1:]]
        public = Milestone.objects.filter(project__visibility=Project.Visibility.PUBLIC)
        reached = public.filter(done_on__range=(START, END)).order_by("due_on")
        missed = public.filter(due_on__range=(START, END), done_on__isnull=True)
        with translation.override(language):
            word_reached, word_missed = ("erreicht", "verfehlt") if language == "de" else ("reached", "missed")
        expected = [[m.project.title, m.title, m.due_on, m.done_on, word_reached] for m in reached]
        expected += [[m.project.title, m.title, m.due_on, None, word_missed] for m in missed]
        self.assertEqual(rows, expected)
        self.assertEqual([row[1] for row in rows], ["Bezahlen online", "Termine online", "Pilot", "Gebühren online"])

    def check_status_changes(self, sheet, language: str) -> None:
        rows = [[as_date(v) for v in row] for row in list(sheet.iter_rows(values_only=True))[1:]]
        self.assertEqual(rows, self.expected_status_changes(language))
        # The stop with its reason is the entry of the chatbot's progress log, as on its page.
        entry = self.chatbot.log_entries.get(status=Project.Status.STOPPED)
        self.assertEqual((entry.entry_date, entry.happened), (date(2025, 3, 31), REASON))

    def check_kpis(self, sheet) -> None:
        rows = [[as_date(v) for v in row] for row in list(sheet.iter_rows(values_only=True))[1:]]
        self.assertEqual(
            rows,
            [
                ["Online-Bürgerbüro", "Online-Anträge", "%", 10, 80, 42, date(2025, 5, 1)],
                ["Zeiterfassung", "Papierzettel", "Stück pro Monat", 0, 0, None, None],
            ],
        )

    def test_the_summary_sheet_counts_what_the_other_sheets_list(self) -> None:
        content, _html, book, _csv = self.report("de")
        summary = {row[0]: row[1] for row in book["Zusammenfassung"].iter_rows(values_only=True) if row[0]}
        self.assertEqual(summary["Projekte"], Project.objects.public().count())
        running = [value for label, value in summary.items() if str(label).startswith("Laufende Projekte am")]
        self.assertEqual(running, [Project.objects.public().running().count()])
        self.assertEqual(summary["davon im Plan"], Project.objects.public().on_track().count())
        self.assertEqual((content.running, content.on_track), (2, 1))
        self.assertEqual(summary["Erreichte Etappenziele"], book["Etappenziele"].max_row - 1 - 1)
        self.assertEqual(summary["Verfehlte Etappenziele"], 1)
        self.assertEqual(summary["Statusänderungen"], book["Statusänderungen"].max_row - 1)
        self.assertEqual(summary["Veröffentlichte Erfahrungsberichte"], 1)
        self.assertEqual(summary["Budget geplant (€)"], 1000)
        self.assertIn(
            "Im Plan: laufend, die jüngste Ampel im Projekttagebuch steht auf Grün und kein Etappenziel ist überfällig.",
            summary,
        )
        fields = {row[0]: row[1:] for row in list(book["Handlungsfelder"].iter_rows(values_only=True))[1:]}
        # Projects, average progress, reached, missed – as the field's projects and milestones say.
        self.assertEqual(fields["Digitale Verwaltungsleistungen"], (2, round((40 + 67) / 2), 2, 1))
        self.assertEqual(fields["Digitaler Arbeitsplatz"], (2, 75, 1, 0))

    def test_every_section_of_the_html_report_agrees_with_the_records(self) -> None:
        content, html, _book, _csv = self.report("de")
        parts = sections(html)
        self.assertEqual(
            list(parts), ["summary", "fields", "reached", "missed", "changes", "budget", "kpis", "lessons"]
        )
        self.assertNotIn("kein Projekt seinen Stand", html)
        self.assertIn("50 %", parts["summary"]["text"])
        self.assertIn("der 2 laufenden Projekte im Plan", " ".join(parts["summary"]["text"].split()))
        self.assertIn("Laufend: begonnen und weder abgeschlossen noch eingestellt oder ausgesetzt", html)
        status_rows = parts["summary"]["tables"][0]
        self.assertEqual(status_rows[0], ["Status", "Projekte"])
        self.assertEqual(
            status_rows[1:],
            [
                *(["geplant", "1"], ["in Umsetzung", "2"], ["im Abschluss", "0"], ["abgeschlossen", "1"]),
                *(["eingestellt", "1"], ["ausgesetzt", "0"]),
            ],
        )
        fields = parts["fields"]["tables"][0]
        self.assertEqual(
            fields[0], ["Handlungsfeld", "Projekte", "Durchschnittlicher Fortschritt", "Erreicht", "Verfehlt"]
        )
        self.assertEqual(fields[1], ["Digitale Verwaltungsleistungen", "2", "54 %", "2", "1"])
        reached = parts["reached"]["tables"][0]
        self.assertEqual(reached[0], ["Projekt", "Etappenziel", "Fällig am", "Erreicht am"])
        self.assertEqual(
            reached[1:],
            [
                ["Online-Bürgerbüro", "Bezahlen online", "01.12.2024", "10.01.2025"],
                ["Online-Bürgerbüro", "Termine online", "01.03.2025", "20.02.2025"],
                ["Dienstausweis im Wallet", "Pilot", "31.03.2025", "20.03.2025"],
            ],
        )
        self.assertEqual(
            parts["missed"]["tables"][0][1:], [["Online-Bürgerbüro", "Gebühren online", "01.06.2025", "offen"]]
        )
        changes = parts["changes"]["tables"][0]
        self.assertEqual(changes[0], ["Datum", "Projekt", "Neuer Status", "Begründung"])
        self.assertEqual(
            changes[1:],
            [
                ["01.02.2025", "Online-Bürgerbüro", "in Umsetzung", "–"],
                ["31.03.2025", "Chatbot", "eingestellt", REASON],
                ["30.06.2025", "Dienstausweis im Wallet", "abgeschlossen", "–"],
            ],
        )
        budget = parts["budget"]["tables"][0]
        self.assertEqual(
            budget[0],
            [
                "Projekt",
                "Status",
                "Einschätzung",
                "Zuständige Organisationseinheit",
                "Fortschritt",
                "Geplant (€)",
                "Ausgegeben (€)",
            ],
        )
        by_title = {row[0]: row for row in budget[1:]}
        self.assertEqual(
            by_title["Online-Bürgerbüro"],
            ["Online-Bürgerbüro", "in Umsetzung", "Etappenziel überfällig", "Bürgerbüro", "40 %", "1.000", "400"],
        )
        self.assertEqual(by_title["Zeiterfassung"][2], "im Plan")
        self.assertEqual(by_title["Digitale Ratsarbeit"][1:3], ["geplant", "–"])
        kpis = parts["kpis"]["tables"][0]
        self.assertEqual(kpis[0], ["Projekt", "Kennzahl", "Ausgangswert", "Zielwert", "Letzter Wert", "Gemessen am"])
        self.assertEqual(kpis[1], ["Online-Bürgerbüro", "Online-Anträge (%)", "10", "80", "42", "01.05.2025"])
        self.assertEqual(kpis[2], ["Zeiterfassung", "Papierzettel (Stück pro Monat)", "0", "0", "–", "–"])
        lessons = parts["lessons"]["tables"][0]
        self.assertEqual(lessons[1:], [["Warum unser Chatbot gescheitert ist", "gescheitert", "Chatbot"]])
        self.assertFalse(content.is_empty)

    def test_key_figures_read_as_numbers_without_needless_decimals(self) -> None:
        Measurement.objects.filter(measured_on=date(2025, 5, 1)).update(value=Decimal("66.70"))
        Kpi.objects.filter(name="Online-Anträge").update(target=1000, baseline=Decimal("12.50"))
        _content, html, _book, _csv = self.report("de")
        row = sections(html)["kpis"]["tables"][0][1]
        self.assertEqual(row[2:5], ["12,5", "1.000", "66,7"])

    def test_the_csv_has_the_workbooks_project_columns(self) -> None:
        _content, _html, _book, data = self.report("de")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(rows[0], HEADERS[("Projekte", "Projects")][0])
        portal = next(row for row in rows if row[0] == "Online-Bürgerbüro")
        self.assertEqual(
            portal[1:10],
            [
                "in Umsetzung",
                "Etappenziel überfällig",
                "Bürgerbüro",
                "40",
                "1000,0",
                "400,0",
                "30.06.2026",
                "01.02.2025",
                "",
            ],
        )

    def test_internal_projects_count_only_in_an_internal_report(self) -> None:
        content, _html, book, _csv = self.report("de", internal=True)
        self.assertEqual((content.running, content.on_track), (3, 1))
        titles = [row[0] for row in list(book["Projekte"].iter_rows(values_only=True))[1:]]
        self.assertIn("Interne Aktenablage", titles)
        row = next(r for r in book["Projekte"].iter_rows(values_only=True) if r[0] == "Interne Aktenablage")
        self.assertEqual((row[2], row[11]), ("noch nicht eingeschätzt", "intern"))

    def test_a_report_says_none_only_where_there_is_none(self) -> None:
        with translation.override("de"):
            quiet = gather(title="Ruhig", start=date(2010, 1, 1), end=date(2010, 12, 31), include_internal=False)
            html = report_html(quiet)
        self.assertTrue(quiet.is_empty)
        for sentence in (
            "In diesem Zeitraum war kein Etappenziel fällig oder erreicht",
            "In diesem Zeitraum wurde kein Etappenziel erreicht.",
            "In diesem Zeitraum wurde kein Etappenziel verfehlt.",
            "In diesem Zeitraum hat kein Projekt seinen Stand geändert.",
            "In diesem Zeitraum wurde kein Erfahrungsbericht veröffentlicht.",
        ):
            self.assertIn(sentence, html)
        # A milestone due in the period but reached before it: the period was not without milestones.
        Milestone.objects.create(
            project=self.portal, title="Früh", definition_of_done="x", due_on=date(2010, 6, 1), done_on=date(2009, 1, 1)
        )
        with translation.override("de"):
            early = gather(title="Früh", start=date(2010, 1, 1), end=date(2010, 12, 31), include_internal=False)
        self.assertFalse(early.is_empty)
        _content, html, _book, _csv = self.report("de")
        for sentence in ("kein Etappenziel fällig", "wurde kein Etappenziel erreicht", "hat kein Projekt seinen"):
            self.assertNotIn(sentence, html)
