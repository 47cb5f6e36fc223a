"""A report's content as PDF (WeasyPrint), Excel workbook (openpyxl) and CSV."""

import mimetypes
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from core.exports import SafeWorkbook, csv_bytes
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
    return HTML(string=html, base_url=None, url_fetcher=static_fetcher()).render()


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


def render_xlsx(content: ReportContent) -> bytes:
    book = SafeWorkbook()
    summary = book.sheet(_("Summary"))
    summary.append([content.title])
    summary.append([_("Period"), content.start.isoformat(), content.end.isoformat()])
    summary.append([_("Projects"), len(content.projects)])
    summary.append([_("Milestones reached"), len(content.reached)])
    summary.append([_("Milestones missed"), len(content.missed)])
    summary.append([_("Budget planned (€)"), float(content.budget_planned)])
    summary.append([_("Budget spent (€)"), float(content.budget_spent)])

    projects = book.sheet(_("Projects"))
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
    milestones = book.sheet(_("Milestones"))
    milestones.append([_("Project"), _("Milestone"), _("Due on"), _("Done on"), _("State")])
    for state, rows in ((_("reached"), content.reached), (_("missed"), content.missed)):
        for m in rows:
            milestones.append([m.project, m.title, m.due_on, m.done_on, state])
    kpis = book.sheet(_("Key figures"))
    kpis.append([_("Project"), _("Key figure"), _("Unit"), _("Baseline"), _("Target"), _("Latest value")])
    for project, name, unit, baseline, target, latest in content.kpis:
        kpis.append(
            [project, name, unit, float(baseline), float(target), float(latest) if latest is not None else None]
        )
    lessons = book.sheet(_("Lessons learned"))
    lessons.append([_("Lesson"), _("Outcome"), _("Project")])
    for title, outcome_label, project, _outcome in content.lessons:
        lessons.append([title, outcome_label, project])
    return book.to_bytes()


def render_csv(content: ReportContent) -> bytes:
    """The project table, semicolon-separated with a BOM, so German Excel opens it as it is."""
    header = [_("Project"), _("Status"), _("Unit"), _("Progress (%)"), _("Budget planned (€)"), _("Budget spent (€)")]
    rows = (
        [row.title, row.status_label, row.unit, row.progress, row.budget_planned or "", row.budget_spent or ""]
        for row in content.projects
    )
    return csv_bytes([header, *rows])
