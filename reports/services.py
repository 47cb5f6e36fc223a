"""Requesting and building council reports. The build runs as a background task (reports/tasks.py)."""

import logging
import time
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from municipality.models import Municipality
from reports.content import gather
from reports.models import CouncilReport
from reports.rendering import PdfUnavailable, render_csv, render_pdf, render_xlsx

logger = logging.getLogger(__name__)


def report_request(
    *, title: str, period_start: date, period_end: date, include_internal: bool, by: User | None
) -> CouncilReport:
    """Record the request and queue the build once the request is committed."""
    from reports.tasks import build_report

    report = CouncilReport(
        title=title,
        period_start=period_start,
        period_end=period_end,
        include_internal=include_internal,
        requested_by=by,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    report.full_clean()
    with transaction.atomic():
        report.save()
        transaction.on_commit(lambda: build_report.enqueue(report.pk))
    return report


def report_build(report: CouncilReport) -> CouncilReport:
    """Gather the content once, then write PDF, workbook and CSV, recording progress after each step.

    Written in the language of the person who asked for it, whichever process builds it.
    """
    with translation.override(report.language):
        return _build(report)


def _build(report: CouncilReport) -> CouncilReport:
    started = time.perf_counter()
    _progress(report, 5, _("Collecting projects, milestones and lessons"), state=CouncilReport.State.RUNNING)
    try:
        municipality = Municipality.objects.current()
        content = gather(
            title=report.title,
            start=report.period_start,
            end=report.period_end,
            include_internal=report.include_internal,
            municipality=municipality.name if municipality else "",
        )
        _progress(report, 35, _("Writing the Excel workbook"))
        report.xlsx.save(f"report-{report.pk}.xlsx", ContentFile(render_xlsx(content)), save=False)
        report.csv.save(f"report-{report.pk}.csv", ContentFile(render_csv(content)), save=False)
        _progress(report, 55, _("Writing the PDF"))
        message = ""
        try:
            report.pdf.save(f"report-{report.pk}.pdf", ContentFile(render_pdf(content)), save=False)
        except PdfUnavailable as error:
            message = str(error)  # the workbook and the CSV are still useful
        report.state = CouncilReport.State.DONE
        report.message = message or (_("Empty period: nothing happened.") if content.is_empty else "")
    except Exception:
        logger.exception("council report %s failed", report.pk)
        report.state = CouncilReport.State.FAILED
        report.message = _(
            "The report could not be built. The error was logged; please try again or ask the administrator."
        )
    report.progress = 100
    report.finished_at = timezone.now()
    report.seconds = round(time.perf_counter() - started, 2)
    report.save()
    return report


def _progress(report: CouncilReport, percent: int, message: str, state: str | None = None) -> None:
    report.progress = percent
    report.message = message
    fields = ["progress", "message"]
    if state:
        report.state = state
        fields.append("state")
    report.save(update_fields=fields)
