"""Who may read, write and review lessons. Every view, feed and API endpoint asks these helpers.

- Anyone: published lessons meant for the public or the network.
- Administration staff: also published internal lessons, and the ones they wrote or started.
- The strategy team: everything, because it reviews before anything is published.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import AnyUser
from lessons.models import Lesson, LessonQuerySet, Tag
from projects.models import Project
from projects.permissions import can_see_internal_projects


def can_review_lessons(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_strategy_team


def can_write_lessons(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_internal


def visible_lessons(user: AnyUser) -> LessonQuerySet:
    lessons = Lesson.objects.all()
    if can_review_lessons(user):
        return lessons
    if can_write_lessons(user):
        return lessons.filter(Q(state=Lesson.State.PUBLISHED) | Q(authors=user) | Q(created_by=user)).distinct()
    return lessons.public()


def is_author(user: AnyUser, lesson: Lesson) -> bool:
    if not user.is_authenticated:
        return False
    return lesson.created_by_id == user.pk or lesson.authors.filter(pk=user.pk).exists()


def can_edit_lesson(user: AnyUser, lesson: Lesson) -> bool:
    """The strategy team always; the authors while the lesson is a draft (before review or sent back)."""
    if can_review_lessons(user):
        return True
    return can_write_lessons(user) and lesson.state == Lesson.State.DRAFT and is_author(user, lesson)


def access_lesson(user: AnyUser, pk: int) -> Lesson:
    """The lesson if the user may read it; otherwise 404, so unpublished lessons stay invisible."""
    lesson = get_object_or_404(Lesson.objects.select_related("project", "reviewed_by"), pk=pk)
    if not visible_lessons(user).filter(pk=lesson.pk).exists():
        raise Http404
    return lesson


def visible_project(user: AnyUser, lesson: Lesson) -> Project | None:
    """The lesson's project if the user may see the project itself (the rule of `access_project`),
    so a public lesson never names an internal project."""
    project = lesson.project
    if project is None or not (project.is_public or can_see_internal_projects(user)):
        return None
    return project


def visible_tags(user: AnyUser) -> "QuerySet[Tag]":
    """The tags of the lessons the user may read: a draft's tags stay as hidden as the draft."""
    return Tag.objects.filter(lessons__in=visible_lessons(user).values("pk")).distinct().order_by("name")
