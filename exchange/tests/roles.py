"""This app's rows of the authorisation matrix (collected by core/tests/test_roles.py)."""

from django.utils import timezone

from exchange.models import Follow, Peer, ReceivedItem
from installation.testing import ALL, INTERNAL, LOGGED_IN, TEAM, BaseTestCase

POST_ONLY: set[str] = {
    "exchange:item_adopt",
    "exchange:peer_sync",
    "exchange:peer_toggle",
    "exchange:follow",
    "exchange:unfollow",
}


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    peer = Peer.objects.create(url="https://etappe.musterstadt.example", name="Musterstadt")
    item = ReceivedItem.objects.create(
        peer=peer,
        kind="lesson",
        uid="urn:etappe:x:lesson:1",
        municipality="Musterstadt",
        title="Chatbot",
        outcome="failed",
        remote_changed_at=timezone.now(),
        signature="x",
    )
    follow = Follow.objects.create(user=case.staff, topic="chatbot")
    return {
        "exchange:index": (ALL, {}),
        "exchange:item_detail": (ALL, {"pk": item.pk}),
        "exchange:item_adopt": (INTERNAL, {"pk": item.pk}),
        "exchange:directory": (ALL, {}),
        "exchange:similar": (ALL, {}),
        "exchange:peers": (INTERNAL, {}),
        "exchange:peer_detail": (INTERNAL, {"pk": peer.pk}),
        "exchange:peer_sync": (TEAM, {"pk": peer.pk}),
        "exchange:peer_toggle": (TEAM, {"pk": peer.pk}),
        "exchange:peer_delete": (TEAM, {"pk": peer.pk}),
        "exchange:activity": (LOGGED_IN, {}),
        "exchange:follow": (LOGGED_IN, {}),
        "exchange:unfollow": (LOGGED_IN, {"pk": follow.pk}),
    }
