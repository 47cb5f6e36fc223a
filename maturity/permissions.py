"""Who may see, answer and manage the maturity self-assessment. Every view and API endpoint asks these helpers.

- Members of the administration (staff, leadership, council, strategy team): read the questionnaire,
  rounds and results, and answer open rounds for their unit.
- The strategy team: edits the questionnaire, runs rounds, sets targets, turns gaps into ideas and
  decides whether aggregates may be shared.
- Citizens and visitors: nothing; the assessment is internal.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import AnyUser
from maturity.models import Round


def can_see_maturity(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_internal


def can_manage_maturity(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_strategy_team


def can_answer_round(user: AnyUser, round: Round) -> bool:
    return can_see_maturity(user) and round.is_open


def access_round(user: AnyUser, pk: int) -> Round:
    """The round if the user may see the assessment at all; otherwise 404."""
    if not can_see_maturity(user):
        raise Http404
    return get_object_or_404(Round.objects.select_related("questionnaire"), pk=pk)
