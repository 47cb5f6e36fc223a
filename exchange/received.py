"""What other installations sent: validated, verified, sanitised, then stored per item.

`accept_page()` takes one parsed feed page of a peer (parsed with the limits of
exchange/fetching.py). The page is the unit: it is refused as a whole, and nothing of it is
written, when it does not match the schema, when the publisher's key is not the one pinned for
the peer, when any item's signature does not match or when any item's `changed_at` is not a
date and time with a time zone. Then, in one transaction, each item is upserted or, when
withdrawn, hidden. A refused page leaves the peer's cursor where it was, so the page is fetched
again at the next sync and an item damaged on the way arrives once the path is clean.
Text is stored as plain text (control characters and markup removed, lengths capped) and escaped
again wherever it is shown.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from exchange.fetching import FeedRefused, schema_problem
from exchange.models import Peer, ReceivedItem
from exchange.signing import verify

TAG = re.compile(r"<[^>]{0,2000}>")
CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))
# RFC 3339 as publishers write it (`datetime.isoformat()` of an aware datetime).
DATE_TIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$"
)

__all__ = ["FeedRefused", "PageResult", "accept_page", "clean_text", "search_received"]


@dataclass
class PageResult:
    stored: int = 0
    withdrawn: int = 0


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


def parse_changed_at(value: Any) -> datetime | None:
    """An aware datetime in UTC, or None when the text is not an RFC 3339 date and time with a zone."""
    if not isinstance(value, str) or not DATE_TIME.match(value):
        return None
    try:
        moment = datetime.fromisoformat(value)
        if not 1900 <= moment.year <= 9000:
            return None
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def accept_page(peer: Peer, page: Any) -> PageResult:
    """Check the whole page, then store it in one transaction; FeedRefused (nothing written) when any part is bad."""
    errors = list(validator().iter_errors(page))
    if errors:
        from exchange.api import exchange_schema

        raise FeedRefused(
            _("not an exchange document of version 1 (%(problem)s)")
            % {"problem": schema_problem(errors, exchange_schema())}
        )
    publisher = page["publisher"]
    if peer.public_key and publisher["public_key"] != peer.public_key:
        raise FeedRefused(_("the installation signs with another key than the one pinned for this peer"))
    key = peer.public_key or publisher["public_key"]
    changed = []
    for number, item in enumerate(page["items"], start=1):
        payload = {name: item[name] for name in ("uid", "type", "changed_at", "withdrawn", "data")}
        if not verify(payload, item["signature"], key):
            raise FeedRefused(
                _("the signature of item %(number)s of the page does not match; the page was not stored")
                % {"number": number}
            )
        changed_at = parse_changed_at(item["changed_at"])
        if changed_at is None:
            raise FeedRefused(
                _("item %(number)s of the page has no valid changed_at (a date and time with a time zone)")
                % {"number": number}
            )
        changed.append(changed_at)
    result = PageResult()
    with transaction.atomic():
        if not peer.public_key:
            peer.public_key = publisher["public_key"]
        peer.name = clean_text(publisher.get("name"), 200) or peer.name
        peer.ars = publisher.get("ars", "") or peer.ars
        peer.state = clean_text(publisher.get("state"), 100) or peer.state
        peer.save(update_fields=["public_key", "name", "ars", "state"])
        for item, changed_at in zip(page["items"], changed, strict=True):
            if item["withdrawn"]:
                result.withdrawn += ReceivedItem.objects.filter(peer=peer, uid=item["uid"]).update(withdrawn=True)
                continue
            _store(peer, publisher, item, changed_at)
            result.stored += 1
    return result


def _store(peer: Peer, publisher: dict, item: dict, changed_at: datetime) -> None:
    data = clean_document(item["data"])
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
