"""Collecting other installations' maturity aggregates (see maturity/sharing.py for what they are).

For every peer of the exchange, `sync_peer_maturity()` fetches `GET <peer>/api/v1/exchange/maturity`
with the exchange's safety rules (timeout, no redirects, streamed size cap – the helpers of
exchange/sync.py) and `accept_aggregate()` checks the answer before anything is stored:
JSON Schema, the publisher key pinned for the peer by the exchange sync, and the Ed25519
signature. A refused answer is recorded on the peer's `PeerMaturity` row and changes nothing
else: what was accepted before stays. A 404 means the peer does not share (any more): its
aggregate is withdrawn here too.

Runs at the end of the periodic exchange sync (exchange/tasks.py) and with
`manage.py maturity_sync_peers`.
"""

import asyncio
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from jsonschema import Draft202012Validator

from exchange.models import Peer
from exchange.received import FeedRefused
from exchange.signing import verify
from exchange.sync import _read_limited
from maturity.models import PeerMaturity
from maturity.sharing import aggregate_schema, signed_part

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


def check_aggregate(peer: Peer, document: Any) -> None:
    """Raise FeedRefused with the reason unless the document is a valid aggregate signed with the peer's key."""
    errors = sorted(validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "document"
        raise FeedRefused(f"not a maturity aggregate of version 1 ({where}: {first.message[:200]})")
    if not peer.public_key:
        # The key is pinned by the exchange sync at the first good feed; an aggregate alone is not trusted.
        raise FeedRefused("no key pinned for this peer yet; its exchange feed has not been read successfully")
    if document["publisher"]["public_key"] != peer.public_key:
        raise FeedRefused("the installation signs with another key than the one pinned for this peer")
    if not verify(signed_part(document), document["signature"], peer.public_key):
        raise FeedRefused("the signature of the maturity aggregate does not match")


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
    """The database half of one fetch, in the thread that owns the connection."""
    with transaction.atomic():
        if not error and status == 404:
            withdraw(peer)
            return MaturityOutcome(peer.pk, ok=True)
        if not error:
            try:
                accept_aggregate(peer, _parse(body))
            except FeedRefused as refused:
                error = str(refused)
            else:
                return MaturityOutcome(peer.pk, ok=True, shared=True)
        record_error(peer, error)
    return MaturityOutcome(peer.pk, ok=False, error=error)


def _parse(body: bytes | None) -> Any:
    try:
        return json.loads(body or b"")
    except ValueError as error:
        raise FeedRefused("the answer is not valid JSON") from error


async def fetch_aggregate(client: httpx.AsyncClient, peer: Peer) -> MaturityOutcome:
    status, body, error = 0, None, ""
    try:
        async with client.stream("GET", aggregate_url(peer.url), headers={"Accept": "application/json"}) as response:
            status = response.status_code
            if status not in (200, 404):
                raise FeedRefused(f"the installation answered HTTP {status}")
            if status == 200:
                if "json" not in response.headers.get("Content-Type", ""):
                    raise FeedRefused("the answer is not JSON")
                body = await _read_limited(response, MAX_BYTES)
    except FeedRefused as refused:
        error = str(refused)
    except httpx.TimeoutException:
        error = "no answer within the time limit"
    except httpx.HTTPError as failure:
        error = f"could not reach the installation ({type(failure).__name__})"
    return await sync_to_async(_handle, thread_sensitive=True)(peer, status, body, error)


async def _fetch_all(peers: list[Peer], concurrency: int) -> list[MaturityOutcome]:
    semaphore = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    timeout = httpx.Timeout(settings.ETAPPE_EXCHANGE["TIMEOUT"])
    async with httpx.AsyncClient(timeout=timeout, limits=limits, follow_redirects=False) as client:

        async def one(peer: Peer) -> MaturityOutcome:
            async with semaphore:
                return await fetch_aggregate(client, peer)

        return await asyncio.gather(*(one(peer) for peer in peers))


def sync_peer_maturity(peers: list[Peer] | None = None, *, concurrency: int | None = None) -> list[MaturityOutcome]:
    """Fetch the aggregates of these peers (default: the exchange's due peers – active, not in back-off)."""
    peers = list(Peer.objects.due()) if peers is None else peers
    if not peers:
        return []
    return async_to_sync(_fetch_all)(peers, concurrency or settings.ETAPPE_EXCHANGE["CONCURRENCY"])
