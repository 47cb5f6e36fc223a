"""What other installations sent: validated, verified, sanitised, then stored per item.

`accept_page()` takes one parsed feed page of a peer. It refuses the page as a whole when it does
not match the schema or when the publisher's key is not the one pinned for the peer; then each
item is checked on its own: a bad signature skips that item (and is reported), a good one is
upserted or, when withdrawn, hidden. Text is stored as plain text (control characters and markup
removed, lengths capped) and escaped again wherever it is shown.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from jsonschema import Draft202012Validator

from exchange.models import Peer, ReceivedItem
from exchange.signing import verify

TAG = re.compile(r"<[^>]{0,2000}>")
CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


class FeedRefused(ValueError):
    """The whole page is unusable; the message says why and is recorded on the peer."""


@dataclass
class PageResult:
    stored: int = 0
    withdrawn: int = 0
    rejected: list[str] = field(default_factory=list)


@cache
def validator() -> Draft202012Validator:
    from exchange.api import exchange_schema

    return Draft202012Validator(exchange_schema())


def clean_text(value: Any, limit: int) -> str:
    """Plain text: no markup, no control characters, normalised, at most `limit` characters."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFC", TAG.sub("", value)).translate(CONTROL)
    return text.strip()[:limit]


def clean_document(value: Any) -> Any:
    """The whole document with every string cleaned (nested lists and objects too)."""
    if isinstance(value, str):
        return clean_text(value, 20000)
    if isinstance(value, list):
        return [clean_document(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k, 100): clean_document(v) for k, v in value.items()}
    return value


def safe_url(value: Any) -> str:
    text = clean_text(value, 500)
    return text if text.startswith(("https://", "http://")) else ""


def accept_page(peer: Peer, page: Any) -> PageResult:
    errors = sorted(validator().iter_errors(page), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "document"
        raise FeedRefused(f"not an exchange document of version 1 ({where}: {first.message[:200]})")
    publisher = page["publisher"]
    if peer.public_key and publisher["public_key"] != peer.public_key:
        raise FeedRefused("the installation signs with another key than the one pinned for this peer")
    result = PageResult()
    with transaction.atomic():
        if not peer.public_key:
            peer.public_key = publisher["public_key"]
        peer.name = clean_text(publisher.get("name"), 200) or peer.name
        peer.ars = publisher.get("ars", "") or peer.ars
        peer.state = clean_text(publisher.get("state"), 100) or peer.state
        peer.save(update_fields=["public_key", "name", "ars", "state"])
        for item in page["items"]:
            payload = {key: item[key] for key in ("uid", "type", "changed_at", "withdrawn", "data")}
            if not verify(payload, item["signature"], peer.public_key):
                result.rejected.append(f"{item['uid']}: signature does not match")
                continue
            if item["withdrawn"]:
                result.withdrawn += ReceivedItem.objects.filter(peer=peer, uid=item["uid"]).update(withdrawn=True)
                continue
            _store(peer, publisher, item)
            result.stored += 1
    return result


def _store(peer: Peer, publisher: dict, item: dict) -> None:
    data = clean_document(item["data"])
    changed_at = datetime.fromisoformat(item["changed_at"])
    title = clean_text(data.get("title"), 200)
    summary = clean_text(data.get("summary") or data.get("context") or data.get("description") or "", 1000)
    # The vector belongs to the old text: drop it, so the background task embeds the new one.
    ReceivedItem.objects.filter(peer=peer, uid=item["uid"], embedding__isnull=False).exclude(
        title=title, summary=summary
    ).update(embedding=None, embedded_at=None)
    ReceivedItem.objects.update_or_create(
        peer=peer,
        uid=item["uid"],
        defaults={
            "kind": item["type"],
            "municipality": clean_text(publisher.get("name"), 200),
            "ars": publisher.get("ars", ""),
            "state": clean_text(publisher.get("state"), 100),
            "title": title,
            "summary": summary,
            "status": clean_text(data.get("status"), 30),
            "outcome": clean_text(data.get("outcome"), 20),
            "url": safe_url(data.get("url")),
            "document": data,
            "signature": item["signature"],
            "remote_changed_at": changed_at,
            "withdrawn": False,
        },
    )


def search_received(text: str, *, kind: str = ""):
    """Received items matching the words, best first; German full text on PostgreSQL."""
    items = ReceivedItem.objects.current()
    if kind:
        items = items.filter(kind=kind)
    words = [w for w in re.findall(r"\w+", text[:200].lower()) if len(w) > 1][:8]
    if not words:
        return items.order_by("-remote_changed_at", "-id")
    if connection.vendor == "postgresql":
        return _search_postgres(items, " ".join(words))
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(summary__icontains=word)
    return items.filter(condition).order_by("-remote_changed_at", "-id")


def _search_postgres(items, text: str):
    """`search_vector` is a generated column with a GIN index that exists on PostgreSQL only (see the migration)."""
    match = "exchange_receiveditem.search_vector @@ websearch_to_tsquery('german', %s)"
    rank = RawSQL("ts_rank(exchange_receiveditem.search_vector, websearch_to_tsquery('german', %s))", [text])
    # Rank only a capped set of candidates found through the index (read first: in a subquery the
    # table gets another alias, and the raw condition would refer to the outer query).
    candidates = list(items.extra(where=[match], params=[text]).order_by().values_list("pk", flat=True)[:1000])  # noqa: S610 - fixed SQL, bound parameter
    return (
        ReceivedItem.objects.filter(pk__in=candidates)
        .annotate(rank=rank)
        .order_by("-rank", "-remote_changed_at", "-id")
    )
