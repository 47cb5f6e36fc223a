"""Who sees which part of the personal start page. The lists themselves follow the apps' own helpers
(`ideas.permissions.can_moderate`, `lessons.permissions.can_review_lessons`, …)."""

from accounts.models import AnyUser


def can_use_workspace(user: AnyUser) -> bool:
    """Everyone with an account has a workspace; what it shows depends on the role."""
    return user.is_authenticated and user.is_active


def sees_participation(user: AnyUser) -> bool:
    """Citizens see their own ideas, supports and follows; the administration sees its work instead."""
    return user.is_authenticated and not user.is_internal
