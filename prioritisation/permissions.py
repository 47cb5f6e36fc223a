"""Who may do what in prioritisation.

The strategy team keeps the criteria catalogue and runs the rounds. Assessors (internal users
assigned to a round) score while the round is in scoring, each without seeing the others'
scores. Once a round is closed, everyone in the administration, leadership and council
included, sees its ranking. Citizens and visitors see nothing of it.
"""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import AnyUser
from prioritisation.models import Candidate, PriorityRound


def can_manage_prioritisation(user: AnyUser) -> bool:
    """Criteria catalogue and rounds: create, change, freeze, close."""
    return user.is_authenticated and user.is_strategy_team


def can_see_criteria(user: AnyUser) -> bool:
    """The catalogue is agreed in advance and open to read for the whole administration."""
    return user.is_authenticated and user.is_internal


def can_see_rounds(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_internal


def is_assessor(user: AnyUser, priority_round: PriorityRound) -> bool:
    return user.is_authenticated and user.is_internal and priority_round.assessors.filter(pk=user.pk).exists()


def can_see_round(user: AnyUser, priority_round: PriorityRound) -> bool:
    """The team sees every round; others closed rounds and the rounds they assess."""
    if not can_see_rounds(user):
        return False
    if can_manage_prioritisation(user) or priority_round.is_closed:
        return True
    return is_assessor(user, priority_round)


def can_see_ranking(user: AnyUser, priority_round: PriorityRound) -> bool:
    """Closed rounds for the administration; the team follows an open round as it is scored.

    Assessors do not see the interim ranking: they score independently.
    """
    if can_manage_prioritisation(user):
        return True
    return can_see_rounds(user) and priority_round.is_closed


def can_score(user: AnyUser, priority_round: PriorityRound) -> bool:
    return priority_round.is_scoring and is_assessor(user, priority_round)


def visible_rounds(user: AnyUser) -> QuerySet[PriorityRound]:
    """The rounds a user may find in the list."""
    rounds = PriorityRound.objects.all()
    if can_manage_prioritisation(user):
        return rounds
    if not can_see_rounds(user):
        return rounds.none()
    return rounds.filter(Q(state=PriorityRound.State.CLOSED) | Q(assessors=user)).distinct()


def access_round(user: AnyUser, pk: int) -> PriorityRound:
    """A round the user may see, or 404 (403 is raised by the views for users without any access)."""
    priority_round = get_object_or_404(PriorityRound, pk=pk)
    if not can_see_round(user, priority_round):
        raise Http404
    return priority_round


def access_candidate_for_scoring(user: AnyUser, pk: int) -> Candidate:
    candidate = get_object_or_404(Candidate.objects.select_related("priority_round", "idea"), pk=pk)
    if not can_score(user, candidate.priority_round):
        raise Http404
    return candidate
