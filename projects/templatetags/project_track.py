"""`{% track_definitions %}`: what "running" and "on track" mean, in words, beside every such figure.

The words live once in projects.models (next to the rule itself) and are shown by this tag on the
start page, the project list, the "since adoption" page and in the council report; with
`links=True` it links the project list filtered to exactly the projects a figure counts.
"""

from django import template

from projects.models import ON_TRACK_DEFINITION, RUNNING_DEFINITION

register = template.Library()


@register.inclusion_tag("projects/_track_definitions.html")
def track_definitions(*, links: bool = False) -> dict:
    return {"definitions": [RUNNING_DEFINITION, ON_TRACK_DEFINITION], "links": links}
