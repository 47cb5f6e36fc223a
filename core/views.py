import datetime
import logging
import unicodedata
from email.utils import parseaddr

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import User
from core.audit import (
    PAGE_SIZE,
    can_see_audit_log,
    can_see_history,
    describe_entries,
    history_object,
    render_history,
    trail_hidden,
)
from municipality.models import Municipality

logger = logging.getLogger(__name__)

# When the accessibility statement was prepared and last reviewed; update both on every review.
ACCESSIBILITY_STATEMENT_PREPARED = datetime.date(2026, 11, 28)
ACCESSIBILITY_STATEMENT_REVIEWED = datetime.date(2026, 11, 28)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database state for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "unhealthy"
        # The driver's message names hosts, ports and users: it goes to the log, never to the caller.
        logger.exception("Health check: the database is unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every recorded change, filterable by kind of object and by person."""
    if not can_see_audit_log(request.user):
        raise PermissionDenied
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    # By the name the reader sees, in the reader's language.
    content_types = sorted(
        ContentType.objects.filter(pk__in=LogEntry.objects.values("content_type")),
        key=lambda ct: unicodedata.normalize("NFKD", str(ct.name)).casefold(),
    )
    actors = User.objects.filter(pk__in=LogEntry.objects.values("actor")).order_by("full_name")
    selected_type = request.GET.get("type", "")
    selected_actor = request.GET.get("actor", "")
    if selected_type.isdigit():
        entries = entries.filter(content_type_id=int(selected_type))
    if selected_actor.isdigit():
        entries = entries.filter(actor_id=int(selected_actor))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    describe_entries(page.object_list, user=request.user, hidden=trail_hidden)
    context = {
        "page": page,
        "content_types": content_types,
        "actors": actors,
        "selected_type": selected_type,
        "selected_actor": selected_actor,
    }
    return render(request, "core/audit_log.html", context)


@login_required
def history(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The change history of one object (strategy parts, ideas, …).

    The object's own access rule comes first, so the history answers 404 exactly when the
    object's page does; then the history itself stays inside the administration.
    """
    obj, hidden = history_object(request.user, kind, pk)
    if not can_see_history(request.user):
        raise PermissionDenied
    return render_history(request, obj=obj, back_url=obj.get_absolute_url(), hidden=hidden)


def feedback_contact(municipality: Municipality | None) -> dict[str, str]:
    """Where people report barriers: the municipality's contact address if it has one, else the
    platform's own sender address (unless it is a development placeholder), and its website."""
    email = municipality.contact_email if municipality else ""
    if not email:
        _name, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
        domain = sender.rpartition("@")[2]
        if domain and "." in domain and not domain.endswith((".invalid", ".example", ".localhost", ".test")):
            email = sender
    return {"email": email, "website": municipality.website if municipality else ""}


def accessibility(request: HttpRequest) -> HttpResponse:
    """Erklärung zur Barrierefreiheit as BITV 2.0 asks for it."""
    municipality = Municipality.objects.current()
    prepared_on = municipality.statement_prepared_on if municipality else None
    context = {
        "contact": feedback_contact(municipality),
        # The municipality's own dates once it has prepared the statement, else the platform's.
        "prepared_on": prepared_on or ACCESSIBILITY_STATEMENT_PREPARED,
        "reviewed_on": (municipality.statement_reviewed_on or prepared_on)
        if prepared_on
        else ACCESSIBILITY_STATEMENT_REVIEWED,
        "enforcement_body": municipality.enforcement_body if municipality else "",
        "site": request.get_host(),
    }
    return render(request, "core/accessibility.html", context)


def easy_language(request: HttpRequest) -> HttpResponse:
    """The platform explained in Leichte Sprache; in English an "Easy to read" version."""
    template = "core/easy_language.html" if (get_language() or "").startswith("de") else "core/easy_language_en.html"
    return render(request, template, {"contact": feedback_contact(Municipality.objects.current())})
