"""`{% projects_of idea %}`: the projects an idea became, for the idea's page (one query).

The ideas app stays independent of this one: its template loads the tag only when wanted.
"""

from django import template
from django.contrib.auth.models import AnonymousUser

from projects.models import Project

register = template.Library()


@register.inclusion_tag("projects/_idea_projects.html", takes_context=True)
def projects_of(context, idea) -> dict:
    user = getattr(context.get("request"), "user", None) or AnonymousUser()
    projects = Project.objects.visible_to(user).filter(ideas=idea).only("pk", "title", "status").order_by("title")
    return {"projects": list(projects)}
