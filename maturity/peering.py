"""Collecting other installations' maturity aggregates (see maturity/sharing.py for what they are).

For every peer of the exchange, `sync_peer_maturity()` fetches `GET <peer>/api/v1/exchange/maturity`
with the exchange's safety rules (exchange/fetching.py: public addresses only, checked at every
connection; no redirects; a total deadline; a streamed size cap; strict JSON without NaN,
Infinity, deep nesting or numbers out of range) and `accept_aggregate()` checks the answer before
anything is stored: JSON Schema, finite means and medians within the scale, no NUL characters in
any text, the publisher key pinned for the peer by the exchange sync, and the Ed25519 signature.
A refused answer is recorded on the peer's `PeerMaturity` row with the reason (which never quotes
the answer) and changes nothing else: what was accepted before stays. Each peer is handled in
isolation: whatever goes wrong with one is recorded on it and the others go on. A 404 means the
peer does not share (any more): its aggregate is withdrawn here too.

Runs at the end of the periodic exchange sync (exchange/tasks.py) and with
`manage.py maturity_sync_peers`.
"""

import logging
import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from exchange.fetching import FeedRefused, PeerUnreachable, fetch, for_each_peer, parse_json, schema_problem
from exchange.models import Peer
from exchange.signing import verify
from maturity.models import SCORE_MAX, SCORE_MIN, PeerMaturity
from maturity.sharing import aggregate_schema, signed_part

logger = logging.getLogger(__name__)
AGGREGATE_PATH = "/api/v1/exchange/maturity"
# The document is a few hundred bytes; anything near this is not an aggregate.
MAX_BYTES = 64 * 1024


@dataclass
class MaturityOutcome:
    peer_id: int
    ok: bool
    shared: bool = False
    error: str = ""


@cache
def validator() -> Draft202012Validator:
    return Draft202012Validator(aggregate_schema())


def aggregate_url(peer_url: str) -> str:
    return peer_url.rstrip("/") + AGGREGATE_PATH


def _strings(value: Any):
    """Every key and string of a parsed document, without recursion."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            yield from (key for key in node if isinstance(key, str))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def check_aggregate(peer: Peer, document: Any) -> None:
    """Raise FeedRefused with the reason unless the document is a valid aggregate signed with the peer's key."""
    errors = list(validator().iter_errors(document))
    if errors:
        raise FeedRefused(
            _("not a maturity aggregate of version 1 (%(problem)s)")
            % {"problem": schema_problem(errors, aggregate_schema())}
        )
    for value in document["dimensions"].values():
        for number in (value["mean"], value["median"]):
            # The schema lets NaN through (it is neither below the minimum nor above the maximum).
            if isinstance(number, bool) or not math.isfinite(number) or not SCORE_MIN <= number <= SCORE_MAX:
                raise FeedRefused(_("a mean or median of the maturity aggregate is not a number on the scale"))
    if any("\x00" in text for text in _strings(document)):
        raise FeedRefused(_("the maturity aggregate contains a NUL character"))
    if not peer.public_key:
        # The key is pinned by the exchange sync at the first good feed; an aggregate alone is not trusted.
        raise FeedRefused(_("no key pinned for this peer yet; its exchange feed has not been read successfully"))
    if document["publisher"]["public_key"] != peer.public_key:
        raise FeedRefused(_("the installation signs with another key than the one pinned for this peer"))
    if not verify(signed_part(document), document["signature"], peer.public_key):
        raise FeedRefused(_("the signature of the maturity aggregate does not match"))


def accept_aggregate(peer: Peer, document: Any) -> PeerMaturity:
    """Store a peer's aggregate after `check_aggregate`; only the aggregate fields are kept."""
    check_aggregate(peer, document)
    now = timezone.now()
    dimensions = {
        key: {"mean": value["mean"], "median": value["median"]} for key, value in document["dimensions"].items()
    }
    stored, _created = PeerMaturity.objects.update_or_create(
        peer=peer,
        defaults={
            "questionnaire": document["questionnaire"],
            "assessed_on": document["assessed_on"],
            "respondents": document["respondents"],
            "dimensions": dimensions,
            "document": document,
            "signature": document["signature"],
            "received_at": now,
            "checked_at": now,
            "last_error": "",
            "last_error_at": None,
        },
    )
    return stored


def withdraw(peer: Peer) -> None:
    """The peer shares nothing (any more): forget its aggregate, keep the row as a record of the check."""
    PeerMaturity.objects.update_or_create(
        peer=peer,
        defaults={
            "questionnaire": "",
            "assessed_on": "",
            "respondents": "",
            "dimensions": {},
            "document": {},
            "signature": "",
            "checked_at": timezone.now(),
            "last_error": "",
            "last_error_at": None,
        },
    )


def record_error(peer: Peer, error: str) -> None:
    """A refused answer: noted on the row, the aggregate accepted before stays untouched."""
    now = timezone.now()
    stored, _created = PeerMaturity.objects.get_or_create(peer=peer, defaults={"checked_at": now})
    stored.checked_at, stored.last_error, stored.last_error_at = now, error[:500], now
    stored.save(update_fields=["checked_at", "last_error", "last_error_at"])


def _handle(peer: Peer, status: int, body: bytes | None, error: str) -> MaturityOutcome:
    """The database half of one fetch, in the thread that owns the connection; never raises."""
    try:
        with transaction.atomic():
            if not error and status == 404:
                withdraw(peer)
                return MaturityOutcome(peer.pk, ok=True)
            if not error:
                try:
                    accept_aggregate(peer, parse_json(body or b"", max_bytes=MAX_BYTES))
                except FeedRefused as refused:
                    error = str(refused)
                else:
                    return MaturityOutcome(peer.pk, ok=True, shared=True)
    except Exception:  # one peer's answer must not stop the others
        logger.exception("maturity: the aggregate of peer %s could not be stored", peer.pk)
        error = _("the answer could not be processed")
    try:
        with transaction.atomic():
            record_error(peer, error)
    except Exception:
        logger.exception("maturity: could not record the error of peer %s", peer.pk)
    return MaturityOutcome(peer.pk, ok=False, error=error)


async def fetch_aggregate(client: httpx.AsyncClient, peer: Peer) -> MaturityOutcome:
    status, body, error = 0, None, ""
    try:
        answer = await fetch(
            client, aggregate_url(peer.url), headers={"Accept": "application/json"}, max_bytes=MAX_BYTES
        )
        status, body = answer.status, answer.body
        if status not in (200, 404):
            raise FeedRefused(_("the installation answered HTTP %(status)s") % {"status": status})
    except FeedRefused as refused:
        error = str(refused)
    except PeerUnreachable as unreachable:
        error = unreachable.message()
    return await sync_to_async(_handle, thread_sensitive=True)(peer, status, body, error)


def _fetch_failed(peer: Peer, error: BaseException) -> MaturityOutcome:
    logger.error("maturity: the fetch of peer %s failed", peer.pk, exc_info=error)
    return MaturityOutcome(peer.pk, ok=False, error=_("the answer could not be processed"))


async def _fetch_all(peers: list[Peer], concurrency: int) -> list[MaturityOutcome]:
    return await for_each_peer(peers, concurrency, fetch_aggregate, _fetch_failed)


def sync_peer_maturity(peers: list[Peer] | None = None, *, concurrency: int | None = None) -> list[MaturityOutcome]:
    """Fetch the aggregates of these peers (default: the exchange's due peers – active, not in back-off)."""
    peers = list(Peer.objects.due()) if peers is None else peers
    if not peers:
        return []
    return async_to_sync(_fetch_all)(peers, concurrency or settings.ETAPPE_EXCHANGE["CONCURRENCY"])
