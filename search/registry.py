"""Which content the search finds: every app that wants to be found registers a *source*.

A source says how to list its objects for (re)indexing, how one object becomes a document
(title, text, address, status, fields of action and who may find it – or `None`: not indexed)
and which changes must update the index. `register()` connects post_save/post_delete (and
m2m_changed) receivers that keep the index current; that is index maintenance, not business
logic. The rule for the index (docs/architecture.md, "Derived data"): it is written in the same
transaction as the change, synchronously, so a search agrees with the page right after a save and
a change that is rolled back leaves no trace in it. `bulk_create`, `QuerySet.update()` and raw SQL
bypass those receivers: call `index_objects()` afterwards, or run `manage.py search_reindex`.

An app registers in its `AppConfig.ready()`; see docs/search.md for the lessons app's call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import ManyToManyField, Model, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

from core.text import stem_text
from search.models import Audience, Document

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_BODY = 20_000  # characters of text indexed per object
# Private-use characters mark highlights inside PostgreSQL's snippets; they never come from content.
MARK_START, MARK_END = "\ue000", "\ue001"


@dataclass(frozen=True)
class Entry:
    """What a source says about one object."""

    title: str
    body: str
    url: str
    audience: Audience | str
    status: str = ""
    field_ids: Iterable[int] = ()
    date: datetime | None = None


@dataclass(frozen=True)
class Source[M: Model]:
    """One kind of searchable content.

    kind: short name used in URLs and the API (`?type=idea`); label/plural: shown to people;
    queryset: every object to index, with what `entry` needs selected or prefetched;
    entry: an object → `Entry`, or `None` when nobody may find it;
    statuses: status value → label, for filters and facets;
    indexed_fields: a `save(update_fields=…)` touching none of these leaves the index alone
    (None: every save reindexes);
    m2m: many-to-many fields of the model whose changes reindex the object;
    related: other models whose saves and deletes reindex objects of this source
    (model → function from such an instance to the affected objects).
    """

    kind: str
    label: StrOrPromise
    plural: StrOrPromise
    model: type[M]
    queryset: Callable[[], QuerySet[M]]
    entry: Callable[[M], Entry | None]
    statuses: Callable[[], Mapping[str, StrOrPromise]] = dict
    indexed_fields: frozenset[str] | None = None
    m2m: tuple[str, ...] = ()
    # Each function takes an instance of its key's model (one type per key: not expressible here).
    related: dict[type[Model], Callable[[Any], Iterable[M]]] = field(default_factory=dict)


_sources: dict[str, Source[Any]] = {}


def _through(model: type[Model], name: str) -> type[Model] | None:
    """The intermediate model of a many-to-many field of `model` (set once the apps are loaded)."""
    m2m = model._meta.get_field(name)
    if not isinstance(m2m, ManyToManyField):
        raise TypeError(f"{model._meta.label}.{name} is not a many-to-many field")
    return m2m.remote_field.through


def register(source: Source[Any]) -> None:
    """Add a source and keep its documents current from now on (registering twice is harmless)."""
    _sources[source.kind] = source
    uid = f"search-{source.kind}"
    post_save.connect(_saved, sender=source.model, dispatch_uid=f"{uid}-save", weak=False)
    post_delete.connect(_deleted, sender=source.model, dispatch_uid=f"{uid}-delete", weak=False)
    for name in source.m2m:
        through = _through(source.model, name)
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"{uid}-m2m-{name}", weak=False)
    for model in source.related:
        post_save.connect(
            _related_changed, sender=model, dispatch_uid=f"{uid}-rel-save-{model._meta.label}", weak=False
        )
        post_delete.connect(
            _related_changed, sender=model, dispatch_uid=f"{uid}-rel-delete-{model._meta.label}", weak=False
        )


def sources() -> list[Source]:
    return list(_sources.values())


def source(kind: str) -> Source | None:
    return _sources.get(kind)


def _sources_for(model: type[Model]) -> list[Source]:
    return [s for s in _sources.values() if s.model is model or (s.model._meta.concrete_model is model)]


def _saved(sender, instance: Model, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw:
        # loaddata: the index rows come from the same file. It sets many-to-many relations right
        # after this save, on this very instance; the mark keeps those from indexing too.
        instance._search_loading = True  # type: ignore[attr-defined]  # a mark on this instance only
        return
    for src in _sources_for(sender):
        if (
            update_fields is not None
            and src.indexed_fields is not None
            and not (set(update_fields) & src.indexed_fields)
        ):
            continue
        index_object(src, instance)


def _deleted(sender, instance: Model, **kwargs) -> None:
    for src in _sources_for(sender):
        Document.objects.filter(kind=src.kind, object_id=instance.pk).delete()


def _m2m_changed(sender, instance: Model, action: str, reverse: bool, model: type[Model], pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear") or getattr(instance, "_search_loading", False):
        return
    for src in _sources.values():
        for name in src.m2m:
            if _through(src.model, name) is not sender:
                continue
            if not reverse:
                index_object(src, instance)
            elif pk_set:
                index_objects(src, pk_set)
            elif action == "post_clear":
                # The other side cleared its relation: which objects were affected is unknown now.
                index_objects(src, src.model._default_manager.values_list("pk", flat=True))


def _related_changed(sender, instance: Model, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    for src in _sources.values():
        affected = src.related.get(sender)
        if affected is not None:
            for obj in affected(instance):
                if obj is not None:
                    index_object(src, obj)


def document_fields(src: Source, entry: Entry) -> dict:
    """The column values of a document for an entry (stems only where SQLite holds the index)."""
    title = _clean(entry.title)[:300]
    body = _clean(entry.body)[:MAX_BODY]
    sqlite = connection.vendor == "sqlite"
    ids = sorted({int(pk) for pk in entry.field_ids if pk is not None})
    return {
        "title": title,
        "body": body,
        "url": entry.url[:300],
        "audience": str(entry.audience),
        "status": entry.status or "",
        "field_ids": f",{','.join(map(str, ids))}," if ids else "",
        "date": entry.date,
        "title_stems": stem_text(title) if sqlite else "",
        "body_stems": stem_text(body) if sqlite else "",
    }


def _clean(text: str) -> str:
    return (text or "").replace(MARK_START, "").replace(MARK_END, "").replace("\x00", "")


def index_object(src: Source, obj: Model) -> None:
    """Create, update or remove one object's document."""
    entry = src.entry(obj)
    if entry is None:
        Document.objects.filter(kind=src.kind, object_id=obj.pk).delete()
        return
    Document.objects.update_or_create(kind=src.kind, object_id=obj.pk, defaults=document_fields(src, entry))


def index_objects(src: Source, pks: Iterable[int]) -> None:
    """Reindex some objects of a source by primary key (after bulk writes that sent no signals)."""
    pks = list(pks)
    with transaction.atomic():
        found = set()
        for start in range(0, len(pks), 1000):
            for obj in src.queryset().filter(pk__in=pks[start : start + 1000]):
                found.add(obj.pk)
                index_object(src, obj)
        Document.objects.filter(kind=src.kind, object_id__in=set(pks) - found).delete()


def reindex(kinds: Iterable[str] | None = None, *, batch: int = 2000) -> dict[str, int]:
    """Rebuild the documents of the given sources (all by default). Returns documents per kind."""
    counts: dict[str, int] = {}
    for src in sources():
        if kinds is not None and src.kind not in kinds:
            continue
        with transaction.atomic():
            Document.objects.filter(kind=src.kind).delete()
            rows = []
            for obj in src.queryset().order_by("pk").iterator(chunk_size=batch):
                entry = src.entry(obj)
                if entry is not None:
                    rows.append(Document(kind=src.kind, object_id=obj.pk, **document_fields(src, entry)))
                if len(rows) >= batch:
                    Document.objects.bulk_create(rows)
                    counts[src.kind] = counts.get(src.kind, 0) + len(rows)
                    rows = []
            Document.objects.bulk_create(rows)
            counts[src.kind] = counts.get(src.kind, 0) + len(rows)
    # Documents of sources no longer registered would be found forever otherwise.
    if kinds is None:
        Document.objects.exclude(kind__in=list(_sources)).delete()
    return counts
