"""Reading the audit trail that django-auditlog writes for every registered model."""

from auditlog.models import LogEntry
from django.apps import apps
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User

PAGE_SIZE = 25


def can_see_audit_log(user: User) -> bool:
    """The whole trail across all objects: strategy team and administrators."""
    return user.is_authenticated and user.is_strategy_team


def history_for(obj: models.Model) -> models.QuerySet[LogEntry]:
    return LogEntry.objects.get_for_object(obj).select_related("actor", "content_type").order_by("-timestamp", "-pk")


def render_history(request: HttpRequest, *, obj: models.Model, back_url: str) -> HttpResponse:
    """The history page of one object, newest change first, paginated."""
    page = Paginator(history_for(obj), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/history.html", {"object": obj, "page": page, "back_url": back_url})


# The objects that have a history page: URL name → model. Add new kinds here.
HISTORY_KINDS = {
    "strategy": "strategy.Strategy",
    "term": "strategy.GlossaryEntry",
    "field": "strategy.FieldOfAction",
    "goal": "strategy.Goal",
    "idea": "ideas.Idea",
}


def history_model(kind: str) -> type[models.Model] | None:
    label = HISTORY_KINDS.get(kind)
    return apps.get_model(label) if label else None
