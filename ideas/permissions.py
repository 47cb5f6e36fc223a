"""Who may see, change, support and moderate ideas and comments. Every ideas view asks here."""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import AnyUser
from ideas.models import Comment, Idea, Moderation


def can_moderate(user: AnyUser) -> bool:
    """The strategy team curates the pool: status answers, moderation, merging, import."""
    return user.is_authenticated and user.is_strategy_team


def can_support(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_active


def supportable_ideas() -> "QuerySet[Idea]":
    """The ideas anyone who may support (`can_support`) may back: published and not merged."""
    return Idea.objects.public().exclude(status=Idea.Status.MERGED)


def merge_targets(duplicate: Idea) -> "QuerySet[Idea]":
    """The ideas a duplicate may be merged into: published, not merged themselves, not the duplicate."""
    return supportable_ideas().exclude(pk=duplicate.pk)


def is_supportable(idea: Idea) -> bool:
    """`supportable_ideas` for one idea already loaded (the same rule; tested to agree)."""
    return idea.is_public and idea.status != Idea.Status.MERGED


def can_comment(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_active


def contributions_need_moderation(user: AnyUser) -> bool:
    """Members of the administration publish directly; citizens' contributions wait in the queue."""
    return not (user.is_authenticated and user.is_internal)


def submission_moderation(user: AnyUser | None) -> str:
    """What a new idea waits for, decided here once by who sends it: published at once for the
    administration, the moderation queue for citizens, and without an account (`None`) the
    confirmation of the e-mail address first. The submission form follows the same decision."""
    if user is None or not user.is_authenticated:
        return Moderation.UNCONFIRMED
    return Moderation.PENDING if contributions_need_moderation(user) else Moderation.PUBLISHED


def access_idea(user: AnyUser, pk: int) -> Idea:
    """An idea the user may see: published ones, one's own, and for moderators all confirmed ones."""
    return get_object_or_404(
        Idea.objects.visible_to(user)
        .select_related("field_of_action", "author", "merged_into")
        .defer("embedding", "sparse_terms", "search_stems"),
        pk=pk,
    )


def access_idea_for_moderation(user: AnyUser, pk: int) -> Idea:
    if not can_moderate(user):
        raise Http404
    return get_object_or_404(Idea.objects.exclude(moderation=Moderation.UNCONFIRMED), pk=pk)


def access_comment(user: AnyUser, pk: int) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("idea"), pk=pk)
    access_idea(user, comment.idea_id)
    if comment.moderation != Moderation.PUBLISHED and not (can_moderate(user) or comment.author_id == user.pk):
        raise Http404
    return comment
