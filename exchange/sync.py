"""Reading other installations' feeds: each peer in isolation, conditional requests, limits, back-off.

`sync_peers()` fetches many peers concurrently (bounded by ETAPPE_EXCHANGE["CONCURRENCY"]), each
with a client of its own from exchange/fetching.py (public addresses only, a total deadline per
request, a size cap, strict JSON), and hands each page to `received.accept_page()` in one
database thread. Every peer is synced in isolation: each page is stored in its own transaction
together with the cursor that follows it, and whatever goes wrong with one peer – an answer that
is refused, a connection that fails, an error while storing – is recorded on that peer (its last
error, the failures in a row and the back-off of 2, 4, 8 … minutes up to a day) and touches no
other peer. A refused page is not stored and the cursor stays before it, so it is fetched again.
"""

import ipaddress
import logging
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import httpx
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exchange.fetching import (
    FeedRefused,
    PeerUnreachable,
    address_allowed,
    fetch,
    for_each_peer,
    parse_json,
    same_origin,
)
from exchange.models import Peer
from exchange.received import PageResult, accept_page

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
    pages: int = 0
    error: str = ""


def feed_url(peer_url: str) -> str:
    return peer_url.rstrip("/") + FEED_PATH


HOST_NAME = re.compile(r"(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*")


def check_peer_url(url: str) -> str:
    """https only, except for the hosts allowed in settings (loopback by default); no credentials.

    An address given as an IP (or `localhost`) must be public or in ETAPPE_EXCHANGE["ALLOWED_NETWORKS"];
    a host name is checked after resolution at every connection (exchange/fetching.py), not here.
    """
    parts = urlsplit(url.strip())
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.username or parts.password:
        raise ValueError(_("Give the address of an installation, e.g. https://etappe.example-town.de"))
    if parts.scheme == "http" and parts.hostname not in settings.ETAPPE_EXCHANGE["INSECURE_HOSTS"]:
        raise ValueError(_("Other installations are reached over https only."))
    # What the sync will request must parse the same way (httpx refuses e.g. "0177.0.0.1", which
    # urlsplit takes), and a host name must be one: letters, digits and hyphens between dots.
    try:
        raw_host = httpx.URL(url.strip()).raw_host.decode("ascii").lower()
    except (httpx.InvalidURL, UnicodeError, ValueError):
        raw_host = ""
    if not (_is_ip(raw_host.strip("[]")) or HOST_NAME.fullmatch(raw_host.rstrip("."))):
        raise ValueError(_("Give the address of an installation, e.g. https://etappe.example-town.de"))
    host = parts.hostname.lower().rstrip(".")
    literal = "127.0.0.1" if host == "localhost" or host.endswith(".localhost") else host
    if _is_ip(literal) and not address_allowed(literal):
        raise ValueError(
            _(
                "Other installations are reached at public internet addresses only; the operator can allow "
                "networks of its own with ETAPPE_EXCHANGE_ALLOWED_NETWORKS."
            )
        )
    return url.strip().rstrip("/")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def first_page_url(peer: Peer) -> httpx.URL:
    """The feed from the peer's cursor, in pages of ETAPPE_EXCHANGE["PAGE_SIZE"] items.

    The query is part of the URL: `next` links carry their own, and a request made with
    `params={}` would drop it (httpx replaces the URL's query with the parameters given).
    """
    params = {"limit": settings.ETAPPE_EXCHANGE.get("PAGE_SIZE", 100)}
    if peer.cursor:
        params = {"since": peer.cursor, **params}
    return httpx.URL(feed_url(peer.url), params=params)


async def fetch_peer(client: httpx.AsyncClient, peer: Peer) -> SyncOutcome:
    """Every page of one peer's feed since its cursor; never raises, the outcome says what happened."""
    config = settings.ETAPPE_EXCHANGE
    outcome = SyncOutcome(peer.pk, ok=False)
    headers = {"Accept": "application/json"}
    if peer.etag:
        headers["If-None-Match"] = peer.etag
    elif peer.last_modified:
        headers["If-Modified-Since"] = peer.last_modified
    etag, last_modified = peer.etag, peer.last_modified
    started = time.monotonic()
    budget = config.get("PEER_DEADLINE", 600)
    try:
        try:
            url = first_page_url(peer)
        except (httpx.InvalidURL, ValueError) as error:  # a peer added before addresses were checked as here
            raise FeedRefused(_("the installation's address is not valid")) from error
        for page_number in range(MAX_PAGES):
            remaining = budget - (time.monotonic() - started)
            if remaining <= 0:
                raise FeedRefused(
                    _("the sync took longer than %(seconds)s s; it goes on at the next run") % {"seconds": budget}
                )
            answer = await fetch(
                client,
                url,
                headers=headers,
                max_bytes=config["MAX_BYTES"],
                deadline=min(config.get("DEADLINE", 60), remaining),
            )
            if answer.status == 304 and page_number == 0:
                outcome.ok = outcome.not_modified = True
                break
            if answer.status != 200:
                raise FeedRefused(_("the installation answered HTTP %(status)s") % {"status": answer.status})
            if page_number == 0:
                etag = answer.headers.get("ETag", "")[:200]
                last_modified = answer.headers.get("Last-Modified", "")[:100]
            page = parse_json(answer.body, max_bytes=config["MAX_BYTES"])
            result: PageResult = await sync_to_async(_accept, thread_sensitive=True)(peer, page)
            outcome.pages += 1
            outcome.stored += result.stored
            outcome.withdrawn += result.withdrawn
            next_url = page.get("next")
            if not next_url:
                outcome.ok = True
                break
            try:
                following = httpx.URL(urljoin(str(url), next_url))
            except (ValueError, httpx.InvalidURL) as error:
                raise FeedRefused(_("the feed's next page is not a valid address")) from error
            if not same_origin(str(following), peer.url):
                raise FeedRefused(_("the feed points to another host"))
            if following == url:
                raise FeedRefused(_("the feed's next page is the same page"))
            url, headers = following, {"Accept": "application/json"}
        else:
            raise FeedRefused(_("more than %(pages)s pages in one sync") % {"pages": MAX_PAGES})
    except FeedRefused as error:
        outcome.error = str(error)
    except PeerUnreachable as error:
        outcome.error = error.message()
    except Exception:  # one peer's failure, whatever it is, must not stop the others
        logger.exception("exchange: the sync of peer %s failed", peer.pk)
        outcome.error = _("the answer could not be processed")
    await sync_to_async(_record, thread_sensitive=True)(peer, outcome, etag, last_modified)
    return outcome


def _accept(peer: Peer, page) -> PageResult:
    """One page and the cursor after it, in one transaction: either both are stored or neither."""
    with transaction.atomic():
        # Two syncs of one peer at a time ("Sync now" during the periodic run) take turns per page
        # on PostgreSQL instead of racing on the same items.
        list(Peer.objects.select_for_update().filter(pk=peer.pk).values_list("pk"))
        result = accept_page(peer, page)
        cursor = page["cursor"]
        if cursor and cursor != peer.cursor:
            peer.cursor = cursor
            peer.save(update_fields=["cursor"])
    return result


def _record(peer: Peer, outcome: SyncOutcome, etag: str, last_modified: str) -> None:
    now = timezone.now()
    peer.last_attempt_at = now
    if outcome.ok:
        peer.last_success_at = now
        peer.failures = 0
        peer.next_attempt_at = None
        peer.last_error = ""
        peer.etag, peer.last_modified = etag, last_modified
    else:
        peer.failures += 1
        peer.last_error_at = now
        peer.last_error = outcome.error[:500]
        peer.next_attempt_at = now + timedelta(minutes=min(2 ** min(peer.failures, 11), 24 * 60))
    fields = ["last_attempt_at", "last_success_at", "failures", "next_attempt_at", "last_error", "last_error_at"]
    fields += ["etag", "last_modified"]
    if not outcome.not_modified:
        peer.items_received = peer.items.filter(withdrawn=False).count()
        fields.append("items_received")
    try:
        # Only the fields the sync owns: the pages stored the cursor, name and key themselves.
        peer.save(update_fields=fields)
    except Exception:
        logger.exception("exchange: could not record the sync of peer %s", peer.pk)


def _sync_failed(peer: Peer, error: BaseException) -> SyncOutcome:
    logger.error("exchange: the sync of peer %s failed", peer.pk, exc_info=error)
    return SyncOutcome(peer.pk, ok=False, error=_("the answer could not be processed"))


async def _sync_all(peers: list[Peer], concurrency: int) -> list[SyncOutcome]:
    return await for_each_peer(peers, concurrency, fetch_peer, _sync_failed)


def sync_peers(
    peers: list[Peer] | None = None, *, concurrency: int | None = None, embed: bool = True
) -> list[SyncOutcome]:
    """Sync these peers (default: every active peer whose back-off has run out).

    When items were stored, the background task that embeds them for "who has done this before?"
    is queued (`embed=False` leaves that out, e.g. to time the sync alone): each page of a feed is
    stored in a transaction of its own, so all are committed by then (the rule for embeddings,
    docs/architecture.md, "Derived data").
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
