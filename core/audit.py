"""Reading the audit trail that django-auditlog writes for every registered model."""

from auditlog.models import LogEntry
from django.apps import apps
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User

PAGE_SIZE = 25


def can_see_history(user: User) -> bool:
    """One object's history names colleagues, so it stays inside the administration."""
    return user.is_authenticated and user.is_internal


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
    "stakeholder": "participation.Stakeholder",
    "workshop": "participation.Workshop",
    "project": "projects.Project",
    "survey": "surveys.Survey",
    "lesson": "lessons.Lesson",
}


def history_model(kind: str) -> type[models.Model] | None:
    label = HISTORY_KINDS.get(kind)
    return apps.get_model(label) if label else None


def display_changes(entry: LogEntry) -> list[tuple[str, str, str]]:
    """(field label, before, after) for one entry, without a database query.

    auditlog's own changes_display_dict loads every referenced object (one query per foreign
    key per entry); here references show as their number and choices by their label.
    """
    model = entry.content_type.model_class()
    rows = []
    for name, values in entry.changes_dict.items():
        before, after = [*list(values), "", ""][:2]
        label = name
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except Exception:  # noqa: BLE001 - a field removed since the entry was written
                field = None
            if field is not None:
                label = str(getattr(field, "verbose_name", name))
                choices = dict(getattr(field, "flatchoices", None) or [])
                if choices:
                    before, after = (str(choices.get(v, v)) if v not in (None, "None") else "" for v in (before, after))
        rows.append(
            (label, "" if before in (None, "None") else str(before), "" if after in (None, "None") else str(after))
        )
    return rows
