"""A report's content as PDF (WeasyPrint), Excel workbook (openpyxl) and CSV."""

import io
import mimetypes
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.exports import SafeCsvWriter, SafeWorkbook
from projects.models import ON_TRACK_DEFINITION, RUNNING_DEFINITION
from reports.charts import field_progress_chart, milestone_chart
from reports.content import ProjectRow, ReportContent

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
    return HTML(string=report_html(content), base_url=None, url_fetcher=static_fetcher()).render()


def report_html(content: ReportContent) -> str:
    """The report as the HTML document WeasyPrint lays out into the PDF."""
    return render_to_string(
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


def static_roots() -> list[Path]:
    """The folders the installation serves its own static files from."""
    roots = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, list | tuple) else entry))
    roots += [Path(config.path) / "static" for config in apps.get_app_configs()]
    return [root.resolve() for root in roots if root.is_dir()]


def static_file(url: str) -> Path | None:
    """The file a `file:` URL names if it is one of the installation's static files, else None."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(url2pathname(unquote(parts.path))).resolve()
    if not path.is_file():
        return None
    return path if any(path.is_relative_to(root) for root in static_roots()) else None


def static_fetcher():
    """A WeasyPrint URL fetcher that reads the installation's static files from disk and nothing else.

    Report text comes from users; whatever it or a template might point to – http(s) anywhere,
    including the server's own network, or files outside the static folders – is refused, so
    rendering a PDF never makes a request and never reads another file.
    """
    return _fetcher_class()(allowed_protocols=["data", "file"], allow_redirects=False)


@cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)  # inline data, nothing is fetched
            path = static_file(url)
            if path is None:
                raise ValueError(f"Reports load nothing from outside the installation's static files: {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher


def _number(value) -> float | None:
    return float(value) if value is not None else None


def project_columns() -> list[tuple[str, Callable[[ProjectRow], object]]]:
    """The project table of the workbook and the CSV: (header, value of a row) – one list for both."""
    return [
        (_("Project"), lambda row: row.title),
        (_("Status"), lambda row: row.status_label),
        (pgettext("on track or not", "Assessment"), lambda row: row.track_label),
        (_("Responsible unit"), lambda row: row.unit),
        (_("Progress (%)"), lambda row: row.progress),
        (_("Budget planned (€)"), lambda row: _number(row.budget_planned)),
        (_("Budget spent (€)"), lambda row: _number(row.budget_spent)),
        (_("Planned end"), lambda row: row.planned_end),
        (_("Actual start"), lambda row: row.actual_start),
        (_("Actual end"), lambda row: row.actual_end),
        (_("Fields of action"), lambda row: ", ".join(row.fields)),
        (_("Visibility"), lambda row: row.visibility_label),
    ]


def render_xlsx(content: ReportContent) -> bytes:
    book = SafeWorkbook()
    summary = book.sheet(_("Summary"))
    summary.append([content.title])
    summary.append([_("Period"), content.start, content.end])
    summary.append([_("Projects"), len(content.projects)])
    summary.append([_("Running projects on %(date)s") % {"date": date_format(content.as_of)}, content.running])
    summary.append([_("of which on track"), content.on_track])
    summary.append([_("Milestones reached"), len(content.reached)])
    summary.append([_("Milestones missed"), len(content.missed)])
    summary.append([_("Status changes"), len(content.status_changes)])
    summary.append([_("Lessons published"), len(content.lessons)])
    summary.append([_("Budget planned (€)"), float(content.budget_planned)])
    summary.append([_("Budget spent (€)"), float(content.budget_spent)])
    summary.append([])
    summary.append([str(RUNNING_DEFINITION)])
    summary.append([str(ON_TRACK_DEFINITION)])

    columns = project_columns()
    projects = book.sheet(_("Projects"))
    projects.append([header for header, _value in columns])
    for row in content.projects:
        projects.append([value(row) for _header, value in columns])

    fields = book.sheet(_("Fields of action"))
    fields.append(
        [
            _("Field of action"),
            _("Projects"),
            _("Average progress (%)"),
            _("Milestones reached"),
            _("Milestones missed"),
        ]
    )
    for summary_row in content.fields:
        fields.append(
            [summary_row.title, summary_row.projects, summary_row.progress, summary_row.reached, summary_row.missed]
        )

    milestones = book.sheet(_("Milestones"))
    milestones.append([_("Project"), _("Milestone"), _("Due on"), _("Done on"), _("Reached or missed")])
    for state, rows in ((_("reached"), content.reached), (_("missed"), content.missed)):
        for m in rows:
            milestones.append([m.project, m.title, m.due_on, m.done_on, state])

    changes = book.sheet(_("Status changes"))
    changes.append([_("Date"), _("Project"), _("New status"), _("Reason")])
    for change in content.status_changes:
        changes.append([change.when, change.project, change.after, change.reason])

    kpis = book.sheet(_("Key figures"))
    kpis.append(
        [
            *(_("Project"), _("Key figure"), pgettext("of a key figure", "Unit"), _("Baseline"), _("Target")),
            *(_("Latest value"), _("Measured on")),
        ]
    )
    for kpi in content.kpis:
        kpis.append(
            [
                *(kpi.project, kpi.name, kpi.unit, float(kpi.baseline), float(kpi.target)),
                *(_number(kpi.latest), kpi.latest_on),
            ]
        )
    lessons = book.sheet(_("Lessons learned"))
    lessons.append([_("Lesson"), _("Outcome"), _("Project")])
    for title, outcome_label, project, _outcome in content.lessons:
        lessons.append([title, outcome_label, project])
    return book.to_bytes()


def render_csv(content: ReportContent) -> bytes:
    """The project table of the workbook, semicolon-separated with a BOM and decimal commas, so
    German Excel opens it as it is."""
    columns = project_columns()
    out = io.StringIO()
    writer = SafeCsvWriter(out, delimiter=";", decimal_separator=",")
    writer.writerow([header for header, _value in columns])
    for row in content.projects:
        writer.writerow([_csv_value(value(row)) for _header, value in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_value(value: object) -> object:
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return "" if value is None else value
