"""`{% lesson_project lesson as project %}`: a lesson's project, only if the viewer may see the project.

Every template that names a lesson's project asks here, so a public lesson never shows the
title of an internal project (the reports app's home page can load it too).
"""

from django import template
from django.contrib.auth.models import AnonymousUser

from lessons.permissions import visible_project

register = template.Library()


@register.simple_tag(takes_context=True)
def lesson_project(context, lesson):
    user = getattr(context.get("request"), "user", None) or AnonymousUser()
    return visible_project(user, lesson)
