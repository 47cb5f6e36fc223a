"""Who may do what with surveys: the strategy team builds them, internal staff read results."""

from accounts.models import AnyUser
from surveys.models import Survey


def can_manage_surveys(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_strategy_team


def can_see_results(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_internal


def can_see_survey(user: AnyUser, survey: Survey) -> bool:
    """The survey page itself: drafts only for the team; published ones for whoever may answer."""
    if can_manage_surveys(user):
        return True
    return survey.is_published and survey.audience != Survey.Audience.INVITATION
