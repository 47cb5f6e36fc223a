"""Who may see and change projects. Every view and API endpoint asks these helpers."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import AnyUser
from projects.models import Project


def can_see_internal_projects(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_internal


def can_manage_projects(user: AnyUser) -> bool:
    """Create projects, record decisions, delete: the strategy team."""
    return user.is_authenticated and user.is_strategy_team


def can_edit_project(user: AnyUser, project: Project) -> bool:
    """Change the project's master data: the strategy team and the project lead."""
    return can_manage_projects(user) or (user.is_authenticated and project.lead_id == user.pk and user.is_internal)


def can_work_on_project(user: AnyUser, project: Project) -> bool:
    """Milestones, key figures and the progress log: also the project members."""
    if can_edit_project(user, project):
        return True
    return user.is_authenticated and user.is_internal and project.members.filter(pk=user.pk).exists()


def access_project(user: AnyUser, pk: int) -> Project:
    """The project if the user may see it; otherwise 404, so internal projects stay invisible."""
    project = get_object_or_404(Project.objects.select_related("unit", "lead"), pk=pk)
    if not project.is_public and not can_see_internal_projects(user):
        raise Http404
    return project
