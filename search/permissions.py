"""Who finds what. Every search – page, suggestions, API – asks here which documents count."""

from accounts.models import AnyUser
from search.models import Audience


def audiences_for(user: AnyUser | None) -> list[str]:
    """Everyone finds public documents; the administration also internal ones; the strategy team all."""
    if user is None or not user.is_authenticated:
        return [Audience.PUBLIC.value]
    if user.is_strategy_team:
        return [Audience.PUBLIC.value, Audience.INTERNAL.value, Audience.TEAM.value]
    if user.is_internal:
        return [Audience.PUBLIC.value, Audience.INTERNAL.value]
    return [Audience.PUBLIC.value]
