"""The follow button on the pages of ideas, projects, lessons and surveys: `{% load follow %}{% follow_button idea %}`.

The pages' apps do not import this app; their templates load this tag, which asks whether the
reader follows the object (one query for a person logged in, none otherwise).
"""

from django import template
from django.http import HttpRequest

from ideas.models import Idea
from lessons.models import Lesson
from notifications.services import is_following
from projects.models import Project
from surveys.models import Survey
from surveys.permissions import can_see_survey

register = template.Library()

KIND_OF = {Idea: "idea", Project: "project", Lesson: "lesson", Survey: "survey"}


def button_context(request: HttpRequest, target, following: bool) -> dict:
    return {"target": target, "kind": KIND_OF[type(target)], "following": following, "request": request}


@register.inclusion_tag("notifications/_follow_button.html", takes_context=True)
def follow_button(context, target) -> dict:
    request = context["request"]
    user = request.user
    if isinstance(target, Survey) and not can_see_survey(user, target):
        return {"hidden": True}  # an invitation-only survey, opened by its personal link
    following = user.is_authenticated and is_following(user=user, target=target)
    return {**button_context(request, target, following), "csrf_token": context.get("csrf_token")}
