"""A report's content as PDF (WeasyPrint), Excel workbook (openpyxl) and CSV."""

import csv
import io
from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook

from reports.charts import field_progress_chart, milestone_chart
from reports.content import ReportContent

Progress = Callable[[int, str], None]
PDF_ROWS = 150


class PdfUnavailable(RuntimeError):
    """WeasyPrint needs Pango from the operating system."""


def render_pdf(content: ReportContent) -> bytes:
    return pdf_document(content).write_pdf()


def pdf_document(content: ReportContent):
    """The laid-out WeasyPrint document (its `pages` tell how long the PDF is)."""
    try:
        from weasyprint import HTML
    except OSError as error:  # the Python package is there, the system library is not
        raise PdfUnavailable(
            _("PDF reports need the Pango library: apt install libpango-1.0-0 libpangoft2-1.0-0")
        ) from error
    html = render_to_string(
        "reports/pdf.html",
        {
            "report": content,
            "field_chart": field_progress_chart(content.fields),
            "milestone_chart": milestone_chart(len(content.reached), len(content.missed)),
            # A council reads pages, not thousands of rows: long lists are cut here, the workbook has them all.
            "rows": PDF_ROWS,
            "limit": f":{PDF_ROWS}",
            "projects_by_budget": sorted(content.projects, key=lambda p: -(p.budget_planned or 0)),
        },
    )
    return HTML(string=html, base_url=None).render()


def render_xlsx(content: ReportContent) -> bytes:
    book = Workbook(write_only=True)
    summary = book.create_sheet(_("Summary"))
    summary.append([content.title])
    summary.append([_("Period"), content.start.isoformat(), content.end.isoformat()])
    summary.append([_("Projects"), len(content.projects)])
    summary.append([_("Milestones reached"), len(content.reached)])
    summary.append([_("Milestones missed"), len(content.missed)])
    summary.append([_("Budget planned (€)"), float(content.budget_planned)])
    summary.append([_("Budget spent (€)"), float(content.budget_spent)])

    projects = book.create_sheet(_("Projects"))
    projects.append(
        [
            *(_("Project"), _("Status"), _("Unit"), _("Progress (%)"), _("Budget planned (€)")),
            *(_("Budget spent (€)"), _("Planned end"), _("Fields of action"), _("Visibility")),
        ]
    )
    for row in content.projects:
        projects.append(
            [
                row.title,
                row.status_label,
                row.unit,
                row.progress,
                float(row.budget_planned) if row.budget_planned is not None else None,
                float(row.budget_spent) if row.budget_spent is not None else None,
                row.planned_end,
                ", ".join(row.fields),
                row.visibility,
            ]
        )
    milestones = book.create_sheet(_("Milestones"))
    milestones.append([_("Project"), _("Milestone"), _("Due on"), _("Done on"), _("State")])
    for state, rows in ((_("reached"), content.reached), (_("missed"), content.missed)):
        for m in rows:
            milestones.append([m.project, m.title, m.due_on, m.done_on, state])
    kpis = book.create_sheet(_("Key figures"))
    kpis.append([_("Project"), _("Key figure"), _("Unit"), _("Baseline"), _("Target"), _("Latest value")])
    for project, name, unit, baseline, target, latest in content.kpis:
        kpis.append(
            [project, name, unit, float(baseline), float(target), float(latest) if latest is not None else None]
        )
    lessons = book.create_sheet(_("Lessons learned"))
    lessons.append([_("Lesson"), _("Outcome"), _("Project")])
    for title, outcome_label, project, _outcome in content.lessons:
        lessons.append([title, outcome_label, project])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_csv(content: ReportContent) -> bytes:
    """The project table, semicolon-separated with a BOM, so German Excel opens it as it is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [_("Project"), _("Status"), _("Unit"), _("Progress (%)"), _("Budget planned (€)"), _("Budget spent (€)")]
    )
    for row in content.projects:
        writer.writerow(
            [
                _safe(row.title),
                row.status_label,
                _safe(row.unit),
                row.progress,
                row.budget_planned or "",
                row.budget_spent or "",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe(text: str) -> str:
    """Cells starting with =, +, - or @ would run as formulas in a spreadsheet."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
