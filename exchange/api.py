"""The exchange in the API: the open format's schema, this installation's key and signed feed, and a
search over everything received from other installations. All public: the feed holds only what the
municipality chose to publish.
"""

import hashlib
import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe
from ninja import Query, Router, Schema, Status

from exchange import documents
from exchange.models import Publication, ReceivedItem
from exchange.publishing import signed_payload
from exchange.received import search_received
from exchange.signing import installation_key

router = Router(tags=["exchange"])
SCHEMA_PATH = Path(__file__).parent / "schema" / "exchange-v1.schema.json"
MAX_PAGE = 500


@cache
def exchange_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


class KeyOut(Schema):
    public_key: str
    algorithm: str


class PublisherOut(Schema):
    ars: str
    ags: str
    name: str
    state: str
    url: str
    public_key: str


class ItemOut(Schema):
    uid: str
    type: str
    changed_at: str
    withdrawn: bool
    data: dict[str, Any] | None
    signature: str


class FeedOut(Schema):
    format: str
    version: int
    publisher: PublisherOut
    generated_at: str
    cursor: str
    next: str | None
    items: list[ItemOut]


class FeedQuery(Schema):
    since: str = ""
    limit: int = 100


class SearchQuery(Schema):
    q: str = ""
    type: str = ""
    limit: int = 20


class ReceivedOut(Schema):
    id: int
    type: str
    title: str
    summary: str
    municipality: str
    ars: str
    state: str
    status: str
    outcome: str
    url: str
    changed_at: datetime

    @staticmethod
    def resolve_type(obj: ReceivedItem) -> str:
        return obj.kind

    @staticmethod
    def resolve_changed_at(obj: ReceivedItem) -> datetime:
        return obj.remote_changed_at


@router.get("/exchange/schema", response=dict[str, Any], summary="JSON Schema of the exchange format, version 1")
def schema(request: HttpRequest) -> dict[str, Any]:
    return exchange_schema()


@router.get("/exchange/key", response=KeyOut, summary="This installation's Ed25519 public key (base64)")
def key(request: HttpRequest) -> dict[str, str]:
    return {"public_key": installation_key().public_key, "algorithm": "Ed25519"}


def parse_cursor(value: str) -> tuple[datetime, int] | None:
    """`<ISO datetime>` or `<ISO datetime>~<id>`; anything else is no cursor (the whole feed)."""
    stamp, _, after = value.partition("~")
    try:
        moment = datetime.fromisoformat(stamp.replace(" ", "+"))
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment, int(after) if after.isdigit() and len(after) < 12 else 0


def make_cursor(publication: Publication) -> str:
    return f"{publication.changed_at.isoformat()}~{publication.pk}"


@router.get(
    "/exchange/feed",
    response={200: FeedOut, 304: None},
    summary="Signed feed of published projects and lessons, oldest change first (since: a cursor)",
)
def feed(request: HttpRequest, response: HttpResponse, query: Query[FeedQuery]) -> Any:
    limit = min(max(query.limit, 1), MAX_PAGE)
    state = Publication.objects.aggregate(last=Max("changed_at"), total=Count("pk"))
    last = state["last"]
    # The ETag names the state of the whole feed: a reader that finished its last sync and sends it
    # back learns with a 304 that nothing changed, whatever cursor it asks from.
    etag = '"{}"'.format(hashlib.sha256(f"{documents.VERSION}|{last}|{state['total']}".encode()).hexdigest()[:32])
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    if last:
        response["Last-Modified"] = http_date(last.timestamp())
    if _not_modified(request, etag, last):
        return Status(304, None)
    publications = Publication.objects.order_by("changed_at", "id")
    cursor = parse_cursor(query.since) if query.since else None
    if cursor:
        moment, after = cursor
        publications = publications.filter(changed_at__gt=moment) | publications.filter(changed_at=moment, id__gt=after)
    page = list(publications[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    next_cursor = make_cursor(page[-1]) if page else (query.since if cursor else "")
    publisher = documents.publisher()
    return {
        "format": documents.FORMAT,
        "version": documents.VERSION,
        "publisher": publisher,
        "generated_at": timezone.now().isoformat(),
        "cursor": next_cursor,
        "next": f"{request.path}?{urlencode({'since': next_cursor, 'limit': limit})}" if more else None,
        "items": [{**signed_payload(p, publisher["public_key"][:16]), "signature": p.signature} for p in page],
    }


def _not_modified(request: HttpRequest, etag: str, last: datetime | None) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")]
    since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    return bool(since and last and int(last.timestamp()) <= since)


@router.get(
    "/exchange/search",
    response=list[ReceivedOut],
    summary="Search everything received from other installations (projects and lessons, failures included)",
)
def search(request: HttpRequest, query: Query[SearchQuery]) -> list[ReceivedItem]:
    items = search_received(query.q, kind=query.type if query.type in ("project", "lesson") else "")
    return list(items[: min(max(query.limit, 1), 100)])
