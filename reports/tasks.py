"""Background task: build a council report (django.tasks; in production run by `manage.py db_worker`)."""

from django.tasks import task

from reports.models import CouncilReport
from reports.services import report_build


@task
def build_report(report_id: int) -> str:
    report = CouncilReport.objects.filter(pk=report_id).first()
    if report is None or report.is_finished:
        return "skipped"  # deleted meanwhile, or already built by an earlier run of the task
    return report_build(report).state
