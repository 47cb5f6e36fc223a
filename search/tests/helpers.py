"""Helpers for the search tests: documents straight into the index, as a source would write them."""

from itertools import count

from search.models import Audience, Document
from search.registry import Entry, document_fields, source

_ids = count(900_000)


def add_document(
    *, kind: str = "idea", title: str, body: str = "", audience: str = Audience.PUBLIC, **entry
) -> Document:
    entry.setdefault("url", f"/{kind}/{title}/")
    fields = document_fields(source(kind), Entry(title=title, body=body, audience=audience, **entry))
    return Document.objects.create(kind=kind, object_id=next(_ids), **fields)
