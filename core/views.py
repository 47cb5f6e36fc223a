import logging
import unicodedata

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.access import require
from core.audit import (
    PAGE_SIZE,
    can_see_audit_log,
    can_see_history,
    describe_entries,
    history_object,
    render_history,
    trail_hidden,
)

logger = logging.getLogger(__name__)


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
    require(can_see_audit_log(request.user))
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    # By the name the reader sees, in the reader's language.
    content_types = sorted(
        ContentType.objects.filter(pk__in=LogEntry.objects.values("content_type")),
        key=lambda ct: unicodedata.normalize("NFKD", str(ct.name)).casefold(),
    )
    actors = get_user_model().objects.filter(pk__in=LogEntry.objects.values("actor")).order_by("full_name")
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
    require(can_see_history(request.user))
    back_url = obj.get_absolute_url()  # type: ignore[attr-defined]  # every kind with a history has a page
    return render_history(request, obj=obj, back_url=back_url, hidden=hidden)
