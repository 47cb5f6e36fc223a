"""Project workflows: decisions from ideas, versioned saves, progress, dependencies and the log."""

from collections import defaultdict
from datetime import date
from typing import cast

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from ideas.models import Idea
from ideas.workflow import idea_advance_to
from projects.models import Decision, LogEntry, Milestone, Project


class ProjectError(Exception):
    """A project action that is not allowed; the message is shown to the person."""


class ConflictError(ProjectError):
    """Someone else saved the same object since it was opened."""


def save_versioned(obj: Project | Milestone, *, expected_version: int, save=None) -> None:
    """Save only if nobody saved since `expected_version` was read; otherwise refuse with a conflict.

    The conditional UPDATE locks the row, so of two concurrent saves exactly one wins.
    """
    with transaction.atomic():
        updated = type(obj).objects.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1)
        if not updated:
            raise ConflictError(
                _(
                    "Someone else saved this %(kind)s while you were editing it. Nothing of yours was saved: "
                    "reload the page to see their changes, then make yours again."
                )
                % {"kind": obj._meta.verbose_name}
            )
        obj.version = expected_version + 1
        (save or obj.save)()


def recompute_progress(project: Project) -> None:
    """Progress from the milestones (weighted by their weight) or as set by hand."""
    rows = list(Milestone.objects.filter(project=project).values_list("weight", "done_on"))
    total = sum(weight for weight, _ in rows)
    done = sum(weight for weight, done_on in rows if done_on)
    if project.progress_mode == Project.ProgressMode.MANUAL and project.manual_progress is not None:
        progress = project.manual_progress
    else:
        progress = round(100 * done / total) if total else 0
    Project.objects.filter(pk=project.pk).update(
        progress=progress, milestones_total=len(rows), milestones_done=sum(1 for _, d in rows if d)
    )
    project.progress = progress


def check_dependencies(project: Project, depends_on: list[Project]) -> None:
    """Refuse a dependency that would make a project (indirectly) depend on itself."""
    edges: dict[int, set[int]] = defaultdict(set)
    for source, target in Project.depends_on.through.objects.values_list("from_project_id", "to_project_id"):
        edges[source].add(target)
    edges[project.pk] = {p.pk for p in depends_on}
    for start in depends_on:
        if start.pk == project.pk:
            raise ProjectError(_("A project cannot depend on itself."))
        seen, stack = set(), [start.pk]
        while stack:
            current = stack.pop()
            if current == project.pk:
                raise ProjectError(
                    _(
                        "“%(other)s” already depends on this project, directly or through others: that would be a circle."
                    )
                    % {"other": start.title}
                )
            if current not in seen:
                seen.add(current)
                stack.extend(edges.get(current, ()))


@transaction.atomic
def decide(*, project: Project, decision: Decision, ideas: list[Idea], by: User) -> Project:
    """Turn ideas into a project with a decision record; the ideas become "prioritised" and link to it."""
    for idea in ideas:
        if idea.status not in (Idea.Status.IN_POOL, Idea.Status.IN_REVIEW, Idea.Status.PRIORITISED):
            raise ProjectError(
                _("“%(title)s” is “%(status)s”; only ideas in the pool can become a project.")
                % {"title": idea.title, "status": idea.get_status_display()}
            )
    project.save()
    project.ideas.add(*ideas)
    decision.project = project
    decision.recorded_by = by
    decision.save()
    decision.ideas.set(ideas)
    reason = _("Decided on %(date)s by %(body)s: it becomes the project “%(project)s”.") % {
        "date": decision.decided_on.strftime("%d.%m.%Y"),
        "body": decision.body,
        "project": project.title,
    }
    for idea in ideas:
        idea_advance_to(idea=idea, to_status=Idea.Status.PRIORITISED, reason=reason, by=by)
    return project


# The ideas that follow their project: those it took on, not ones sent back to the pool, declined or
# merged since.
_FOLLOWING = (Idea.Status.PRIORITISED, Idea.Status.IN_IMPLEMENTATION)


def follow_project_status(project: Project, *, previous: str, by: User) -> None:
    """The ideas behind a project follow it: in implementation, then realised."""
    if project.status == previous:
        return
    if project.is_running:
        target = Idea.Status.IN_IMPLEMENTATION
        reason = _("The project “%(project)s” is being implemented.") % {"project": project.title}
    elif project.status == Project.Status.COMPLETED:
        target = Idea.Status.REALISED
        reason = _("The project “%(project)s” is completed.") % {"project": project.title}
    else:
        return
    for idea in project.ideas.filter(status__in=_FOLLOWING):
        idea_advance_to(idea=idea, to_status=target, reason=reason, by=by)


def _day(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def check_done_after_start(project: Project, milestone: Milestone | None = None) -> None:
    """Refuse a milestone reached before its project started (the actual start, else the planned one).

    With `milestone` that one is checked; without, every reached milestone of the project (when its
    start moves).
    """
    start = project.actual_start or project.planned_start
    if start is None:
        return
    if milestone is not None:
        early = milestone if milestone.done_on and milestone.done_on < start else None
    elif project.pk:
        early = project.milestones.filter(done_on__lt=start).order_by("done_on", "pk").first()
    else:
        early = None
    if early is not None:
        done_on = cast(date, early.done_on)  # reached: both ways above find only a milestone with a date
        raise ProjectError(
            _("The milestone “%(milestone)s” was reached on %(done)s, before the project started (%(start)s).")
            % {"milestone": early.title, "done": _day(done_on), "start": _day(start)}
        )


@transaction.atomic
def project_save(
    *, project: Project, expected_version: int | None, depends_on: list[Project], form_save, by: User
) -> Project:
    """Save a project form: version check, dependency check, milestone dates, progress, the ideas' status
    and, when the status changed, an entry in the progress log with the reason."""
    previous = Project.objects.filter(pk=project.pk).values_list("status", flat=True).first() if project.pk else None
    if project.pk:
        check_dependencies(project, depends_on)
        check_done_after_start(project)
        save_versioned(project, expected_version=expected_version or 0, save=form_save)
    else:
        form_save()
        check_dependencies(project, depends_on)
    recompute_progress(project)
    if previous:
        follow_project_status(project, previous=previous, by=by)
        if project.status != previous:
            log_status_change(project=project, by=by)
    return project


def log_status_change(*, project: Project, by: User | None, on: date | None = None) -> LogEntry:
    """Record the project's new status and its public reason in the progress log.

    The entry has no traffic light (it says nothing about being on track), so the project's
    latest light stays what the last ordinary entry said.
    """
    return LogEntry.objects.create(
        project=project,
        author=by,
        entry_date=on or timezone.localdate(),
        status=project.status,
        light="",
        happened=project.status_reason.strip(),
    )


@transaction.atomic
def milestone_save(*, milestone: Milestone, expected_version: int | None) -> Milestone:
    """Save a milestone (versioned when it exists) and the project's progress; refuses a done date
    before the project's start."""
    check_done_after_start(milestone.project, milestone)
    if milestone.pk:
        save_versioned(milestone, expected_version=expected_version or 0)
    else:
        milestone.save()
    recompute_progress(milestone.project)
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone) -> None:
    project = milestone.project
    milestone.delete()
    recompute_progress(project)


@transaction.atomic
def log_add(*, entry: LogEntry, by: User) -> LogEntry:
    entry.author = by
    entry.save()
    # Entries that record a status change carry no light and do not count here.
    latest = LogEntry.objects.filter(project=entry.project_id).exclude(light="").order_by("-entry_date", "-pk").first()
    Project.objects.filter(pk=entry.project_id).update(last_traffic_light=latest.light if latest else "")
    return entry


def quarter_of(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"
