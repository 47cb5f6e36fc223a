"""`{% learning_for project %}`: the learning offers that prepare staff for a project (one query).

The projects app stays independent of this one: its template loads the tag. Only members of the
administration see the panel, as only they see the catalogue (learning.permissions).
"""

from django import template
from django.contrib.auth.models import AnonymousUser

from learning.permissions import visible_units

register = template.Library()


@register.inclusion_tag("learning/_project_units.html", takes_context=True)
def learning_for(context, project) -> dict:
    user = getattr(context.get("request"), "user", None) or AnonymousUser()
    units = (
        visible_units(user)
        .filter(projects=project, is_active=True)
        .order_by("title")
        .only("pk", "title", "duration_minutes")
    )
    return {"units": list(units)}
