"""Reading other installations' feeds: conditional requests, timeouts, size caps, back-off.

`sync_peers()` fetches many peers concurrently (bounded by ETAPPE_EXCHANGE["CONCURRENCY"]) with
httpx's async client, and hands each page to `received.accept_page()` in one database thread.
A peer that fails is retried later, after 2, 4, 8 … minutes up to a day.
"""

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import httpx
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.utils import timezone

from exchange.models import Peer
from exchange.received import FeedRefused, PageResult, accept_page

logger = logging.getLogger(__name__)
FEED_PATH = "/api/v1/exchange/feed"
MAX_PAGES = 2000


@dataclass
class SyncOutcome:
    peer_id: int
    ok: bool
    not_modified: bool = False
    stored: int = 0
    withdrawn: int = 0
    rejected: int = 0
    error: str = ""


def feed_url(peer_url: str) -> str:
    return peer_url.rstrip("/") + FEED_PATH


def check_peer_url(url: str) -> str:
    """https only, except for the hosts allowed in settings (loopback by default); no credentials."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.username or parts.password:
        raise ValueError("Give the address of an installation, e.g. https://etappe.example-town.de")
    if parts.scheme == "http" and parts.hostname not in settings.ETAPPE_EXCHANGE["INSECURE_HOSTS"]:
        raise ValueError("Other installations are reached over https only.")
    return url.strip().rstrip("/")


async def _read_limited(response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FeedRefused(f"the feed page is larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise FeedRefused(f"the feed page is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def fetch_peer(client: httpx.AsyncClient, peer: Peer) -> SyncOutcome:
    config = settings.ETAPPE_EXCHANGE
    outcome = SyncOutcome(peer.pk, ok=False)
    url = feed_url(peer.url)
    params = {"since": peer.cursor} if peer.cursor else {}
    headers = {"Accept": "application/json"}
    if peer.etag:
        headers["If-None-Match"] = peer.etag
    elif peer.last_modified:
        headers["If-Modified-Since"] = peer.last_modified
    etag, last_modified, cursor = peer.etag, peer.last_modified, peer.cursor
    try:
        for page_number in range(MAX_PAGES):
            async with client.stream("GET", url, params=params, headers=headers) as response:
                if response.status_code == 304 and page_number == 0:
                    outcome.ok = outcome.not_modified = True
                    break
                if response.status_code != 200:
                    raise FeedRefused(f"the installation answered HTTP {response.status_code}")
                if "json" not in response.headers.get("Content-Type", ""):
                    raise FeedRefused("the answer is not JSON")
                body = await _read_limited(response, config["MAX_BYTES"])
                if page_number == 0:
                    etag = response.headers.get("ETag", "")[:200]
                    last_modified = response.headers.get("Last-Modified", "")[:100]
            try:
                page = json.loads(body)
            except ValueError as error:
                raise FeedRefused("the answer is not valid JSON") from error
            result: PageResult = await sync_to_async(_accept, thread_sensitive=True)(peer, page)
            outcome.stored += result.stored
            outcome.withdrawn += result.withdrawn
            outcome.rejected += len(result.rejected)
            cursor = page["cursor"] or cursor
            next_url = page.get("next")
            if not next_url:
                outcome.ok = True
                break
            url = urljoin(feed_url(peer.url), next_url)
            if urlsplit(url).netloc != urlsplit(peer.url).netloc:
                raise FeedRefused("the feed points to another host")
            params, headers = {}, {"Accept": "application/json"}
        else:
            raise FeedRefused(f"more than {MAX_PAGES} pages in one sync")
    except FeedRefused as error:
        outcome.error = str(error)
    except httpx.TimeoutException:
        outcome.error = "no answer within the time limit"
    except httpx.HTTPError as error:
        outcome.error = f"could not reach the installation ({type(error).__name__})"
    await sync_to_async(_record, thread_sensitive=True)(peer, outcome, etag, last_modified, cursor)
    return outcome


def _accept(peer: Peer, page) -> PageResult:
    return accept_page(peer, page)


def _record(peer: Peer, outcome: SyncOutcome, etag: str, last_modified: str, cursor: str) -> None:
    now = timezone.now()
    peer.last_attempt_at = now
    if outcome.ok:
        peer.last_success_at = now
        peer.failures = 0
        peer.next_attempt_at = None
        peer.etag, peer.last_modified, peer.cursor = etag, last_modified, cursor
        if outcome.rejected:
            peer.last_error_at = now
            peer.last_error = f"{outcome.rejected} item(s) with a signature that does not match were skipped"
    else:
        peer.failures += 1
        peer.last_error_at = now
        peer.last_error = outcome.error[:500]
        peer.next_attempt_at = now + timedelta(minutes=min(2**peer.failures, 24 * 60))
        peer.cursor = cursor  # pages accepted before the failure are not fetched again
    if not outcome.not_modified:
        peer.items_received = peer.items.filter(withdrawn=False).count()
    peer.save()


async def _sync_all(peers: list[Peer], concurrency: int) -> list[SyncOutcome]:
    config = settings.ETAPPE_EXCHANGE
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    semaphore = asyncio.Semaphore(concurrency)
    timeout = httpx.Timeout(config["TIMEOUT"])
    async with httpx.AsyncClient(timeout=timeout, limits=limits, follow_redirects=False) as client:

        async def one(peer: Peer) -> SyncOutcome:
            async with semaphore:
                return await fetch_peer(client, peer)

        return await asyncio.gather(*(one(peer) for peer in peers))


def sync_peers(
    peers: list[Peer] | None = None, *, concurrency: int | None = None, embed: bool = True
) -> list[SyncOutcome]:
    """Sync these peers (default: every active peer whose back-off has run out).

    When items were stored, the background task that embeds them for "who has done this before?"
    is queued (`embed=False` leaves that out, e.g. to time the sync alone).
    """
    peers = list(Peer.objects.due()) if peers is None else peers
    if not peers:
        return []
    # async_to_sync keeps the database work (sync_to_async, thread_sensitive) in this thread.
    outcomes = async_to_sync(_sync_all)(peers, concurrency or settings.ETAPPE_EXCHANGE["CONCURRENCY"])
    if embed and any(outcome.stored for outcome in outcomes):
        from exchange.tasks import embed_received  # the task module imports this one

        embed_received.enqueue()
    return outcomes
