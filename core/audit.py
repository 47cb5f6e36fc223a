"""Reading the audit trail that django-auditlog writes for every registered model."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from accounts.models import User

PAGE_SIZE = 25
HIDDEN_VALUE = _("(not shown)")


def can_see_history(user: User) -> bool:
    """One object's history names colleagues, so it stays inside the administration."""
    return user.is_authenticated and user.is_internal


def can_see_audit_log(user: User) -> bool:
    """The whole trail across all objects: strategy team and administrators."""
    return user.is_authenticated and user.is_strategy_team


def history_for(obj: models.Model) -> models.QuerySet[LogEntry]:
    return LogEntry.objects.get_for_object(obj).select_related("actor", "content_type").order_by("-timestamp", "-pk")


def render_history(
    request: HttpRequest, *, obj: models.Model, back_url: str, hidden: Iterable[str] = ()
) -> HttpResponse:
    """The history page of one object, newest change first, paginated.

    `hidden` names fields whose values the viewer may not see on the object itself; their
    changes are listed without the values.
    """
    page = Paginator(history_for(obj), PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.change_rows = display_changes(entry, hidden=hidden)
    return render(request, "core/history.html", {"object": obj, "page": page, "back_url": back_url})


# Access rules of the objects with a history page. Each answers exactly like the object's own page:
# the object, or Http404 (PermissionDenied where the page answers 403). Imports stay inside, because
# this module is loaded with the template tags, before the apps' models.


def _public(label: str) -> Callable[[User, int], models.Model]:
    """Strategy, glossary, fields of action and goals: public pages, anyone may read them."""

    def access(user: User, pk: int) -> models.Model:
        return get_object_or_404(apps.get_model(label), pk=pk)

    return access


def _access_idea(user: User, pk: int) -> models.Model:
    from ideas.permissions import access_idea

    return access_idea(user, pk)


def _participation(label: str) -> Callable[[User, int], models.Model]:
    def access(user: User, pk: int) -> models.Model:
        from participation.permissions import can_see_participation

        if not can_see_participation(user):
            raise PermissionDenied
        return get_object_or_404(apps.get_model(label), pk=pk)

    return access


def _access_project(user: User, pk: int) -> models.Model:
    from projects.permissions import access_project

    return access_project(user, pk)


def _access_survey(user: User, pk: int) -> models.Model:
    from surveys.models import Survey
    from surveys.permissions import can_see_survey

    survey = get_object_or_404(Survey, pk=pk)
    if not can_see_survey(user, survey):
        raise Http404
    return survey


def _access_lesson(user: User, pk: int) -> models.Model:
    from lessons.permissions import access_lesson

    return access_lesson(user, pk)


def _idea_hidden(user: User, idea: models.Model) -> set[str]:
    """The reason for hiding is shown on the idea only while it is hidden, to those who moderate."""
    from ideas.permissions import can_moderate

    return set() if can_moderate(user) else {"hidden_reason"}


def _lesson_hidden(user: User, lesson: models.Model) -> set[str]:
    """The review note is shown on the lesson only to those who may change it."""
    from lessons.permissions import can_edit_lesson

    return set() if can_edit_lesson(user, lesson) else {"review_note"}


def _nothing_hidden(user: User, obj: models.Model) -> set[str]:
    return set()


@dataclass(frozen=True)
class HistoryKind:
    model: str
    access: Callable[[User, int], models.Model]
    hidden: Callable[[User, models.Model], set[str]] = _nothing_hidden


# The objects that have a history page: URL name → model and its access rule. Add new kinds here,
# with the same rule as the object's own page (core/tests/test_roles.py checks every kind in every state).
HISTORY_KINDS = {
    "strategy": HistoryKind("strategy.Strategy", _public("strategy.Strategy")),
    "term": HistoryKind("strategy.GlossaryEntry", _public("strategy.GlossaryEntry")),
    "field": HistoryKind("strategy.FieldOfAction", _public("strategy.FieldOfAction")),
    "goal": HistoryKind("strategy.Goal", _public("strategy.Goal")),
    "idea": HistoryKind("ideas.Idea", _access_idea, _idea_hidden),
    "stakeholder": HistoryKind("participation.Stakeholder", _participation("participation.Stakeholder")),
    "workshop": HistoryKind("participation.Workshop", _participation("participation.Workshop")),
    "project": HistoryKind("projects.Project", _access_project),
    "survey": HistoryKind("surveys.Survey", _access_survey),
    "lesson": HistoryKind("lessons.Lesson", _access_lesson, _lesson_hidden),
}

# Personal data that no page shows to anyone (the e-mail address of a submitter without an account,
# when consent was given): never shown in a history or the audit log either.
NEVER_SHOWN = {
    "ideas.idea": {"author_email", "consent_at"},
}

# The trail across all objects also lists objects its readers cannot open (an unconfirmed anonymous
# idea): the submitter's name stays on the idea's page, for those who may see the idea.
TRAIL_HIDDEN = {
    "ideas.idea": {"author_name"},
}


def trail_hidden(entry: LogEntry) -> set[str]:
    return TRAIL_HIDDEN.get(f"{entry.content_type.app_label}.{entry.content_type.model}", set())


def history_object(user: User, kind: str, pk: int) -> tuple[models.Model, set[str]]:
    """The object whose history `user` asks for, by the object's own access rule, and the fields
    whose values the user may not see. 404 for unknown kinds and for objects the user may not see."""
    history_kind = HISTORY_KINDS.get(kind)
    if history_kind is None:
        raise Http404
    obj = history_kind.access(user, pk)
    return obj, history_kind.hidden(user, obj)


def display_changes(entry: LogEntry, *, hidden: Iterable[str] = ()) -> list[tuple[str, str, str]]:
    """(field label, before, after) for one entry, without a database query.

    auditlog's own changes_display_dict loads every referenced object (one query per foreign
    key per entry); here references show as their number and choices by their label. Fields in
    `hidden` or `NEVER_SHOWN` keep their label, their values are replaced by a placeholder.
    """
    model = entry.content_type.model_class()
    masked = set(hidden) | NEVER_SHOWN.get(f"{entry.content_type.app_label}.{entry.content_type.model}", set())
    rows = []
    for name, values in entry.changes_dict.items():
        before, after = [*list(values), "", ""][:2]
        if name in masked:
            before, after = (str(HIDDEN_VALUE) if value not in (None, "None", "") else "" for value in (before, after))
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
