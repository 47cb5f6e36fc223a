"""The stakeholder register holds names of people and organisations: internal to read, the strategy team edits."""

from accounts.models import AnyUser


def can_see_participation(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_internal


def can_edit_participation(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_strategy_team
