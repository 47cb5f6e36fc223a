"""The ideas' status workflow, owned here and nowhere else: which status may follow which, the way
forward to a status, and moving an idea along it.

Every step writes a public `StatusChange` (from, to, reason, who) and saves the idea, so the idea's
history and the audit trail show each step. The author hears of the status the idea ends at in one
e-mail per call, sent once the caller's transaction has committed: a change that is rolled back
sends nothing, and a failing mail server never turns a saved change into an error page. Other apps
(prioritisation, projects) move ideas only through `idea_advance_to`. Merging has its own service
(`ideas.services.idea_merge`): it also moves supports, comments and followers.
"""

from collections import deque

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from ideas.models import Idea, StatusChange
from ideas.services import WorkflowError, notify_author_of_change

# Which status may follow which (the status form offers these; a moderator may also step back).
TRANSITIONS: dict[str, set[str]] = {
    Idea.Status.SUBMITTED: {Idea.Status.IN_REVIEW, Idea.Status.IN_POOL, Idea.Status.DECLINED},
    Idea.Status.IN_REVIEW: {Idea.Status.IN_POOL, Idea.Status.DECLINED},
    Idea.Status.IN_POOL: {Idea.Status.IN_REVIEW, Idea.Status.PRIORITISED, Idea.Status.DECLINED},
    Idea.Status.DECLINED: {Idea.Status.IN_REVIEW},
    Idea.Status.PRIORITISED: {Idea.Status.IN_IMPLEMENTATION, Idea.Status.IN_POOL, Idea.Status.DECLINED},
    Idea.Status.IN_IMPLEMENTATION: {Idea.Status.REALISED, Idea.Status.PRIORITISED},
    Idea.Status.REALISED: set(),
    Idea.Status.MERGED: set(),
}

# The way forward, in order. Declined and merged ideas are off it: nothing moves them on.
FORWARD: tuple[str, ...] = (
    Idea.Status.SUBMITTED,
    Idea.Status.IN_REVIEW,
    Idea.Status.IN_POOL,
    Idea.Status.PRIORITISED,
    Idea.Status.IN_IMPLEMENTATION,
    Idea.Status.REALISED,
)


def path_to(status: str, target: str) -> list[str]:
    """The shortest way forward from `status` to `target` through the allowed transitions, each step
    further along (in review → in the pool → prioritised); empty when the idea is there already,
    past it, or declined or merged."""
    if status not in FORWARD or target not in FORWARD:
        return []
    paths: dict[str, list[str]] = {status: []}
    queue = deque([status])
    while queue:
        current = queue.popleft()
        for following in sorted(TRANSITIONS[current]):
            if following in paths or following not in FORWARD or FORWARD.index(following) < FORWARD.index(current):
                continue
            paths[following] = [*paths[current], following]
            if following == target:
                return paths[following]
            queue.append(following)
    return []


def _check_reason(reason: str) -> None:
    if not reason.strip():
        raise WorkflowError(_("Every status change needs a reason."))


def _step(idea: Idea, to_status: str, reason: str, by: User | None) -> StatusChange:
    change = StatusChange.objects.create(
        idea=idea, from_status=idea.status, to_status=to_status, reason=reason, changed_by=by
    )
    idea.status = to_status
    idea.last_activity_at = timezone.now()
    idea.save(update_fields=["status", "last_activity_at", "updated_at"])
    return change


def _tell_author(idea: Idea, change: StatusChange) -> None:
    notify_author_of_change(idea, "ideas/email/status.txt", {"change": change})


def idea_change_status(*, idea: Idea, to_status: str, reason: str, by: User) -> StatusChange:
    """Move an idea one allowed step (forward or back) with a public reason, and tell its author."""
    if to_status not in TRANSITIONS.get(idea.status, set()):
        raise WorkflowError(
            _("An idea that is “%(current)s” cannot become “%(target)s”.")
            % {"current": idea.get_status_display(), "target": Idea.Status(to_status).label}
        )
    _check_reason(reason)
    with transaction.atomic():
        change = _step(idea, to_status, reason, by)
    _tell_author(idea, change)
    return change


def idea_advance_to(
    *, idea: Idea, to_status: str, reason: str, by: User | None, reason_on_the_way: str = ""
) -> list[StatusChange]:
    """Move an idea forward to `to_status` along `path_to`, one public status change per step:
    `reason` for the last step, `reason_on_the_way` (else `reason`) for the steps before it. The
    author gets one e-mail, about the status the idea ends at.

    Returns the changes written; none when the idea is there already, past it, or declined or merged.
    """
    steps = path_to(idea.status, to_status)
    if not steps:
        return []
    _check_reason(reason)
    with transaction.atomic():
        changes = []
        for status in steps:
            step_reason = reason if status == to_status else reason_on_the_way or reason
            changes.append(_step(idea, status, step_reason, by))
    _tell_author(idea, changes[-1])
    return changes
