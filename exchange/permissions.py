"""Who may do what in the exchange. Received items are other municipalities' public documents."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import AnyUser
from exchange.models import Peer, ReceivedItem


def can_manage_peers(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_strategy_team


def can_see_peers(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_internal


def can_adopt(user: AnyUser) -> bool:
    """Taking another municipality's project into our idea pool: the administration."""
    return user.is_authenticated and user.is_internal


def can_follow(user: AnyUser) -> bool:
    return user.is_authenticated


def access_item(user: AnyUser, pk: int) -> ReceivedItem:
    """Withdrawn items are gone for everyone: their publisher took them back."""
    return get_object_or_404(ReceivedItem.objects.current().select_related("peer"), pk=pk)


def access_peer(user: AnyUser, pk: int) -> Peer:
    if not can_see_peers(user):
        raise Http404
    return get_object_or_404(Peer, pk=pk)
