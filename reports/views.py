from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.access import require
from core.editing import confirm_delete_view
from core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from reports.forms import ReportForm
from reports.models import CouncilReport
from reports.permissions import access_report, can_read_reports, can_request_reports
from reports.services import report_request
from reports.tasks import fail_stale_reports

FORMATS = {
    "pdf": ("pdf", "application/pdf"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("csv", "text/csv; charset=utf-8"),
}


@login_required
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_read_reports(request.user))
    form = ReportForm(request.POST or None) if can_request_reports(request.user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = report_request(
                    title=data["title"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    include_internal=data["include_internal"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The report is being built. This page shows when it is ready."))
                return redirect(report)
    fail_stale_reports()  # a report whose worker died shows as failed, not as "being built" for ever
    page = Paginator(CouncilReport.objects.select_related("requested_by"), 20).get_page(request.GET.get("page"))
    return render(request, "reports/report_list.html", {"form": form, "page": page})


@login_required
def report_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = access_report(request.user, pk)
    if report.is_stale and fail_stale_reports():  # its worker died: show it failed, with the message
        report.refresh_from_db()
    context = {"report": report, "can_delete": can_request_reports(request.user)}
    if request.htmx:
        return render(request, "reports/report_detail.html#status", context)
    return render(request, "reports/report_detail.html", context)


@login_required
def report_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    report = access_report(request.user, pk)
    if fmt not in FORMATS:
        raise Http404
    file = getattr(report, fmt)
    if report.state != CouncilReport.State.DONE or not file:
        raise Http404
    extension, content_type = FORMATS[fmt]
    name = f"sachstandsbericht-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}.{extension}"
    return FileResponse(file.open("rb"), as_attachment=True, filename=name, content_type=content_type)


@login_required
def report_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require(can_request_reports(request.user))
    report = access_report(request.user, pk)
    return confirm_delete_view(request, obj=report, success_url=reverse("reports:list"))
