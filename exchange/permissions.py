"""Who may do what in the exchange. Received items are other municipalities' public documents."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from exchange.models import Peer, ReceivedItem


def can_manage_peers(user: User) -> bool:
    return user.is_authenticated and user.is_strategy_team


def can_see_peers(user: User) -> bool:
    return user.is_authenticated and user.is_internal


def can_adopt(user: User) -> bool:
    """Taking another municipality's project into our idea pool: the administration."""
    return user.is_authenticated and user.is_internal


def can_follow(user: User) -> bool:
    return user.is_authenticated


def access_item(user: User, pk: int) -> ReceivedItem:
    """Withdrawn items are gone for everyone: their publisher took them back."""
    return get_object_or_404(ReceivedItem.objects.current().select_related("peer"), pk=pk)


def access_peer(user: User, pk: int) -> Peer:
    if not can_see_peers(user):
        raise Http404
    return get_object_or_404(Peer, pk=pk)
