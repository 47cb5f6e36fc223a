"""Who may request and read council reports. Every view and API endpoint asks these helpers."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import AnyUser
from reports.models import CouncilReport


def can_read_reports(user: AnyUser) -> bool:
    """Reports cover internal projects, so the administration and the council read them."""
    return user.is_authenticated and user.is_internal


def can_request_reports(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_strategy_team


def access_report(user: AnyUser, pk: int) -> CouncilReport:
    if not can_read_reports(user):
        raise Http404
    return get_object_or_404(CouncilReport, pk=pk)
