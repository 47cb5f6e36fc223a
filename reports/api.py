"""Council reports in the API: request one (strategy team token), follow its progress, fetch the files."""

from datetime import date, datetime
from enum import Enum

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.api import StaffTokenAuth, TokenRequest
from config.pagination import Pagination
from reports.models import CouncilReport
from reports.permissions import can_read_reports, can_request_reports
from reports.services import report_request
from reports.views import FORMATS

router = Router(tags=["reports"], auth=StaffTokenAuth())

# The members come from the model's choices and the formats, which mypy cannot follow.
ReportState = Enum("ReportState", {value: value for value in CouncilReport.State.values}, type=str)  # type: ignore[misc]
ReportFormat = Enum("ReportFormat", {value: value for value in FORMATS}, type=str)  # type: ignore[misc]


class ReportOut(Schema):
    id: int
    title: str
    period_start: date
    period_end: date
    include_internal: bool
    state: ReportState
    progress: int
    message: str
    requested_at: datetime
    finished_at: datetime | None
    seconds: float | None
    downloads: dict[str, str]

    @staticmethod
    def resolve_downloads(obj: CouncilReport) -> dict[str, str]:
        if obj.state != CouncilReport.State.DONE:
            return {}
        return {
            fmt: reverse("api:report_download", kwargs={"report_id": obj.pk, "fmt": fmt})
            for fmt in FORMATS
            if getattr(obj, fmt)
        }


class ReportIn(Schema):
    title: str
    period_start: date
    period_end: date
    include_internal: bool = True


def _readable(request: TokenRequest) -> None:
    if not can_read_reports(request.auth):
        raise HttpError(403, "Only members of the administration read council reports.")


@router.get("/reports", response=list[ReportOut], summary="Council reports, newest first (staff token)")
@paginate(Pagination)
def report_list(request: TokenRequest) -> QuerySet[CouncilReport]:
    _readable(request)
    return CouncilReport.objects.order_by("-requested_at", "-pk")


@router.post(
    "/reports",
    response={202: ReportOut},
    summary="Request a council report; it is built in the background (strategy team token)",
)
def report_create(request: TokenRequest, payload: ReportIn) -> Status:
    if not can_request_reports(request.auth):
        raise HttpError(403, "Only the strategy team requests council reports.")
    if not payload.title.strip() or len(payload.title) > 200:
        raise HttpError(422, "title: give a title of at most 200 characters.")
    try:
        with set_actor(request.auth):
            report = report_request(
                title=payload.title.strip(),
                period_start=payload.period_start,
                period_end=payload.period_end,
                include_internal=payload.include_internal,
                by=request.auth,
            )
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from error
    report.refresh_from_db()
    return Status(202, report)


@router.get("/reports/{report_id}", response=ReportOut, summary="A council report's state and downloads (staff token)")
def report_detail(request: TokenRequest, report_id: int) -> CouncilReport:
    _readable(request)
    return get_object_or_404(CouncilReport, pk=report_id)


@router.get(
    "/reports/{report_id}/download/{fmt}",
    url_name="report_download",
    response={200: bytes},
    summary="Download a finished report as pdf, xlsx or csv (staff token)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {
                    content_type: {"schema": {"type": "string", "format": "binary"}}
                    for _, content_type in FORMATS.values()
                },
            }
        }
    },
)
def report_download(request: TokenRequest, report_id: int, fmt: ReportFormat) -> FileResponse:
    _readable(request)
    report = get_object_or_404(CouncilReport, pk=report_id)
    file = getattr(report, fmt.value)
    if report.state != CouncilReport.State.DONE or not file:
        raise HttpError(404, "This report has no such file (yet).")
    extension, content_type = FORMATS[fmt.value]
    return FileResponse(
        file.open("rb"), as_attachment=True, filename=f"report-{report.pk}.{extension}", content_type=content_type
    )
