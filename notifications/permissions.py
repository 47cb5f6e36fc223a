"""Who may follow what and who hears of it: the rule of each object's own app, asked here.

A person follows only what they may see, and hears of a change only while they may still see the
object (a project made internal is no longer news for a citizen who followed it).
"""

from django.db.models import Model
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import AnyUser, User
from ideas.models import Idea
from ideas.permissions import access_idea, can_moderate
from lessons.models import Lesson
from lessons.permissions import access_lesson, can_review_lessons, can_write_lessons
from notifications.models import Notification
from projects.models import Project
from projects.permissions import access_project, can_see_internal_projects
from surveys.models import Survey
from surveys.permissions import can_see_survey

# What the follow button and its URL name (`notifications:follow kind pk`).
KINDS: dict[str, type[Model]] = {"idea": Idea, "project": Project, "lesson": Lesson, "survey": Survey}


def can_follow(user: AnyUser) -> bool:
    """Following needs an account: notifications go to a person."""
    return user.is_authenticated and user.is_active


def access_followable(user: AnyUser, kind: str, pk: int) -> Idea | Project | Lesson | Survey:
    """The object to follow if the user may see it (by its app's rule); otherwise 404."""
    if kind == "idea":
        return access_idea(user, pk)
    if kind == "project":
        return access_project(user, pk)
    if kind == "lesson":
        return access_lesson(user, pk)
    if kind == "survey":
        survey = get_object_or_404(Survey, pk=pk)
        if not can_see_survey(user, survey):
            raise Http404
        return survey
    raise Http404


def may_see(user: User, target: Idea | Project | Lesson | Survey) -> bool:
    """Whether a recipient may still see the object a notification is about (no query for most)."""
    if not user.is_active:
        return False
    if isinstance(target, Idea):
        return target.is_public or target.author_id == user.pk or can_moderate(user)
    if isinstance(target, Project):
        return target.is_public or can_see_internal_projects(user)
    if isinstance(target, Lesson):
        if can_review_lessons(user) or target.is_public:
            return True
        return can_write_lessons(user) and (
            target.state == Lesson.State.PUBLISHED
            or target.created_by_id == user.pk
            or user.pk in {author.pk for author in target.authors.all()}  # prefetched on list pages
        )
    return can_see_survey(user, target)


def access_notification(user: User, pk: int) -> Notification:
    """One's own notification; anybody else's does not exist."""
    return get_object_or_404(Notification, pk=pk, recipient=user)
