"""Participation workflows."""

from django.db import transaction

from accounts.models import User
from ideas.models import Idea
from ideas.services import idea_submit
from participation.models import Workshop


def workshop_outcome_to_idea(*, workshop: Workshop, idea: Idea, by: User) -> Idea:
    """Write up a workshop outcome as an idea; it keeps the workshop and the groups present as its origin."""
    idea.source = Idea.Source.WORKSHOP
    with transaction.atomic():
        idea = idea_submit(idea=idea, author=by)
        workshop.ideas.add(idea)
        for stakeholder in workshop.stakeholders.all():
            stakeholder.ideas.add(idea)
    return idea
