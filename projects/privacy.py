"""A person's project data for "download my data", and what deleting their account does to it."""

from typing import Any

from accounts.models import User
from accounts.privacy import register_eraser, register_section
from projects.models import LogEntry, Project


def export_projects(user: User) -> dict[str, Any]:
    return {
        "leads": list(Project.objects.filter(lead=user).order_by("title").values_list("title", flat=True)),
        "member_of": list(user.projects.order_by("title").values_list("title", flat=True)),
        "log_entries": [
            {"project": e.project.title, "date": e.entry_date, "happened": e.happened, "next_steps": e.next_steps}
            for e in LogEntry.objects.filter(author=user).select_related("project").order_by("entry_date", "pk")
        ],
    }


def erase_projects(user: User) -> None:
    # Membership and lead end with the account; log entries stay as the project's record,
    # written by the pseudonym "Deleted account #n" like other official acts.
    Project.objects.filter(lead=user).update(lead=None)
    user.projects.clear()


def register() -> None:
    register_section("projects", export_projects)
    register_eraser("projects", erase_projects)
