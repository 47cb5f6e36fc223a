"""Writes to the service inventory: the municipality's data with its dated level history, and the backlog."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from ideas.models import Idea
from projects.models import Project
from service_inventory.models import LevelChange, LocalService


def last_level_change(local: LocalService) -> LevelChange | None:
    if local.pk is None:
        return None
    return local.level_changes.order_by("-changed_on", "-pk").first()


def level_since_problem(local: LocalService, day: date | None) -> str | None:
    """Why `day` cannot be the date of a level change of this service, or None."""
    if day is None:
        return None
    if day > timezone.localdate():
        return _("The date of a level change cannot be in the future.")
    last = last_level_change(local)
    if last is not None and day < last.changed_on:
        return _("The last level change was on %(day)s; a new one cannot be earlier.") % {
            "day": last.changed_on.strftime("%d.%m.%Y")
        }
    return None


def local_service_save(*, local: LocalService, level_since: date | None = None, by: User | None) -> LocalService:
    """Save the municipality's data; a new level of a provided service is recorded with its date (default today).

    The caller has validated `local` (form or API schema) and `level_since` (level_since_problem).
    """
    with transaction.atomic():
        local.save()
        last = last_level_change(local)
        if local.provided and (last is None or last.level != local.level):
            LevelChange.objects.create(
                local=local, level=local.level, changed_on=level_since or timezone.localdate(), recorded_by=by
            )
    return local


def backlog_link(*, local: LocalService, ideas: Sequence[Idea] = (), projects: Sequence[Project] = ()) -> None:
    """Put ideas and projects on the service's improvement backlog (linking twice changes nothing)."""
    with transaction.atomic():
        if local.pk is None:
            local.save()
        if ideas:
            local.ideas.add(*ideas)
        if projects:
            local.projects.add(*projects)


def backlog_unlink(*, local: LocalService, idea: Idea | None = None, project: Project | None = None) -> None:
    with transaction.atomic():
        if idea is not None:
            local.ideas.remove(idea)
        if project is not None:
            local.projects.remove(project)
