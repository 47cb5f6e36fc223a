"""A report's content as PDF (WeasyPrint), Excel workbook (openpyxl) and CSV."""

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

from core.exports import Table, csv_bytes, xlsx_bytes
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
    columns = project_columns()
    return xlsx_bytes(
        [
            Table([content.title], _summary(content), title=_("Summary")),
            Table(
                [header for header, _value in columns],
                ([value(row) for _header, value in columns] for row in content.projects),
                title=_("Projects"),
            ),
            Table(
                [
                    _("Field of action"),
                    _("Projects"),
                    _("Average progress (%)"),
                    _("Milestones reached"),
                    _("Milestones missed"),
                ],
                ([row.title, row.projects, row.progress, row.reached, row.missed] for row in content.fields),
                title=_("Fields of action"),
            ),
            Table(
                [_("Project"), _("Milestone"), _("Due on"), _("Done on"), _("Reached or missed")],
                [
                    [m.project, m.title, m.due_on, m.done_on, state]
                    for state, rows in ((_("reached"), content.reached), (_("missed"), content.missed))
                    for m in rows
                ],
                title=_("Milestones"),
            ),
            Table(
                [_("Date"), _("Project"), _("New status"), _("Reason")],
                ([change.when, change.project, change.after, change.reason] for change in content.status_changes),
                title=_("Status changes"),
            ),
            Table(
                [
                    *(_("Project"), _("Key figure"), pgettext("of a key figure", "Unit"), _("Baseline"), _("Target")),
                    *(_("Latest value"), _("Measured on")),
                ],
                (
                    [
                        *(kpi.project, kpi.name, kpi.unit, float(kpi.baseline), float(kpi.target)),
                        *(_number(kpi.latest), kpi.latest_on),
                    ]
                    for kpi in content.kpis
                ),
                title=_("Key figures"),
            ),
            Table(
                [_("Lesson"), _("Outcome"), _("Project")],
                ([title, outcome_label, project] for title, outcome_label, project, _outcome in content.lessons),
                title=_("Lessons learned"),
            ),
        ]
    )


def _summary(content: ReportContent) -> list[list[object]]:
    """The summary sheet below the report's title: each figure with its label, then the definitions."""
    return [
        [_("Period"), content.start, content.end],
        [_("Projects"), len(content.projects)],
        [_("Running projects on %(date)s") % {"date": date_format(content.as_of)}, content.running],
        [_("of which on track"), content.on_track],
        [_("Milestones reached"), len(content.reached)],
        [_("Milestones missed"), len(content.missed)],
        [_("Status changes"), len(content.status_changes)],
        [_("Lessons published"), len(content.lessons)],
        [_("Budget planned (€)"), float(content.budget_planned)],
        [_("Budget spent (€)"), float(content.budget_spent)],
        [],
        [str(RUNNING_DEFINITION)],
        [str(ON_TRACK_DEFINITION)],
    ]


def render_csv(content: ReportContent) -> bytes:
    """The project table of the workbook, with decimal commas (in every language), so German Excel
    opens it as it is."""
    columns = project_columns()
    return csv_bytes(
        Table(
            [header for header, _value in columns],
            ([_csv_value(value(row)) for _header, value in columns] for row in content.projects),
            decimal_separator=",",
        )
    )


def _csv_value(value: object) -> object:
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return "" if value is None else value
