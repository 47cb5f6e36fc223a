"""Reading the audit trail that django-auditlog writes for every registered model."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, cast

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import AnyUser  # for annotations only: core imports no app

PAGE_SIZE = 25
HIDDEN_VALUE = _("(not shown)")


def can_see_history(user: AnyUser) -> bool:
    """One object's history names colleagues, so it stays inside the administration."""
    return user.is_authenticated and user.is_internal


def can_see_audit_log(user: AnyUser) -> bool:
    """The whole trail across all objects: strategy team and administrators."""
    return user.is_authenticated and user.is_strategy_team


def history_for(obj: models.Model) -> models.QuerySet[LogEntry]:
    return LogEntry.objects.get_for_object(obj).select_related("actor", "content_type").order_by("-timestamp", "-pk")


def render_history(
    request: HttpRequest, *, obj: models.Model, back_url: str, hidden: Iterable[str] = ()
) -> HttpResponse:
    """The history page of one object, newest change first, paginated.

    `hidden` names fields whose values the viewer may not see on the object itself; their
    changes are listed without the values.
    """
    page = Paginator(history_for(obj), PAGE_SIZE).get_page(request.GET.get("page"))
    hidden = set(hidden)
    describe_entries(page.object_list, user=request.user, hidden=lambda entry: hidden)
    return render(request, "core/history.html", {"object": obj, "page": page, "back_url": back_url})


def _nothing_hidden(user: AnyUser, obj: models.Model) -> set[str]:
    return set()


@dataclass(frozen=True)
class HistoryKind:
    model: str
    access: Callable[[AnyUser, int], models.Model]
    hidden: Callable[[AnyUser, models.Model], set[str]] = _nothing_hidden


# The objects that have a history page: URL name → model and its access rule, each answering
# exactly like the object's own page (the object, or Http404; PermissionDenied where the page
# answers 403). Core knows no app: these three registries are filled when the apps are ready, by
# the top floor (installation/audit_rules.py), and core/tests/test_roles.py checks every kind in
# every state.
HISTORY_KINDS: dict[str, HistoryKind] = {}

# Personal data that no page shows to anyone (the e-mail address of a submitter without an account,
# when consent was given): never shown in a history or the audit log either.
NEVER_SHOWN = {
    "ideas.idea": {"author_email", "consent_at"},
}

# The trail across all objects also lists objects its readers cannot open (an unconfirmed anonymous
# idea): the submitter's name stays on the idea's page, for those who may see the idea.
TRAIL_HIDDEN = {
    "ideas.idea": {"author_name"},
}


def trail_hidden(entry: LogEntry) -> set[str]:
    return TRAIL_HIDDEN.get(f"{entry.content_type.app_label}.{entry.content_type.model}", set())


def history_object(user: AnyUser, kind: str, pk: int) -> tuple[models.Model, set[str]]:
    """The object whose history `user` asks for, by the object's own access rule, and the fields
    whose values the user may not see. 404 for unknown kinds and for objects the user may not see."""
    history_kind = HISTORY_KINDS.get(kind)
    if history_kind is None:
        raise Http404
    obj = history_kind.access(user, pk)
    return obj, history_kind.hidden(user, obj)


# Reading an entry: which fields a reader sees, under which name, and each value in words.
# auditlog stores every value as text ("True", a number for a reference, a UTC time without zone);
# the entries of one page are read together, so the objects they refer to are loaded with one
# query per kind of object, never one per entry.

# Fields that mean nothing to a reader: the platform's own counters and caches, versions for
# concurrent editing, search data, tokens and the state of the synchronisation with a peer.
NOT_SHOWN_FIELDS = frozenset(
    {
        "version",
        "search_stems",
        "search_vector",
        "embedding",
        "sparse_terms",
        "submission_token",
        "token",
        "token_hash",
        "task_id",
        "heartbeat_at",
        "etag",
        "last_modified",
        "cursor",
        "last_attempt_at",
        "items_received",
    }
)
NOT_SHOWN_PER_MODEL = {
    "exchange.peer": {"last_success_at", "last_error_at", "last_error", "failures", "next_attempt_at"},
    "ideas.idea": {"support_count", "comment_count", "last_activity_at"},
    "prioritisation.candidate": {"supports", "stakeholder_weight", "survey_answers"},
    "projects.project": {"progress", "milestones_total", "milestones_done", "last_traffic_light"},
    "surveys.survey": {"response_count"},
}

# Names for fields their model leaves unnamed (Django would call them "created by" in English).
# References without a name here are called after the kind of object they point to.
FIELD_LABELS = {
    "user": _("person"),
    "author": _("written by"),
    "parent": _("in reply to"),
    "created_by": _("created by"),
    "created_at": _("created on"),
    "added_by": _("added by"),
    "recorded_by": _("recorded by"),
    "recorded_at": _("recorded on"),
    "requested_by": _("requested by"),
    "resolved_by": _("resolved by"),
    "resolved_at": _("resolved on"),
    "closed_by": _("closed by"),
    "reporter": _("reported by"),
    "assessor": _("assessed by"),
    "position": _("order"),
    "moderation": _("moderation"),
    "gap": _("gap"),
    "dimension_key": _("maturity dimension"),
}

# Values an app records on an object that are not fields of its model (model label → names), e.g.
# the second factor on a person's account (twofactor): shown under their name in FIELD_LABELS.
RECORDED_EXTRAS: dict[str, set[str]] = {}

NO_LONGER_EXISTS = _("no longer exists")


@dataclass(frozen=True)
class Shown:
    """A value as the reader sees it: text, and a link when the reader may open what it names."""

    text: str
    url: str = ""
    lang: str = ""  # the language of a value kept in both languages (title_en), for screen readers


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: Shown
    after: Shown
    note: str = ""  # a change to a list of references, said in words ("added: …")


# Which objects a reader may open, by the rule of each object's own page (its app's permission
# helper), answered for all objects of one kind on a page at once: model label → rule. Objects of
# kinds not listed have no page of their own: they are named without a link.
OPEN_RULES: dict[str, Callable[[AnyUser, dict], set]] = {}

# Fields that name another object by a key rather than a reference: key → name, for all keys at once.
KEYED_REFERENCES: dict[str, Callable[[set[str]], dict[str, str]]] = {}


# Kinds of object whose own name (`__str__`) is made of keys and raw numbers: an object that still
# exists is named from these fields in words instead ("IT-Sicherheit und Datenschutz: 3,5").
OBJECT_NAME_FIELDS: dict[str, tuple[str, ...]] = {
    "maturity.target": ("dimension_key", "level"),
    "maturity.gapidea": ("round", "dimension_key"),
}


def _url_of(obj: models.Model) -> str:
    if isinstance(obj, get_user_model()):
        meta = obj._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""


def _to_pk(model: type[models.Model], raw: object) -> object | None:
    if raw in (None, "", "None"):
        return None
    try:
        return model._meta.pk.to_python(raw)
    except ValidationError:
        return None


def _name_parts(model: type[models.Model], depth: int = 2) -> list[str]:
    """The required references of a model, two levels deep: most names are made of them (a
    registration is named after its session, which is named after its learning offer)."""
    parts = []
    for field in model._meta.concrete_fields:
        related = field.related_model
        if field.is_relation and not field.null and related is not None and related is not model:
            parts.append(field.name)
            if depth > 1:
                parts += [f"{field.name}__{part}" for part in _name_parts(related, depth - 1)]
    return parts


class ObjectNames:
    """The objects the entries of one page refer to, loaded with one query per kind of object,
    and which of them the reader may open."""

    def __init__(self, user: AnyUser) -> None:
        self.user = user
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.found: dict[type[models.Model], dict] = {}
        self.openable: dict[type[models.Model], set] = {}
        self.wanted_keys: dict[str, set[str]] = defaultdict(set)
        self.keyed: dict[str, dict[str, str]] = {}

    def want_key(self, name: str, raw: object) -> None:
        if raw not in (None, "", "None"):
            self.wanted_keys[name].add(str(raw))

    def keyed_name(self, name: str, raw: object) -> str:
        if raw in (None, "", "None"):
            return ""
        return self.keyed.get(name, {}).get(str(raw), str(raw))

    def want(self, model: type[models.Model] | None, raw: object) -> None:
        pk = _to_pk(model, raw) if model is not None else None
        if model is not None and pk is not None:
            self.wanted[model].add(pk)

    def load(self) -> None:
        for model, pks in self.wanted.items():
            if model in self.found:
                continue
            objects = model._base_manager.select_related(*_name_parts(model)).in_bulk(pks)
            self.found[model] = objects
            rule = OPEN_RULES.get(model._meta.label_lower)
            self.openable[model] = rule(self.user, objects) if rule is not None and objects else set()
            for name in OBJECT_NAME_FIELDS.get(model._meta.label_lower, ()):
                if name in KEYED_REFERENCES:
                    for obj in objects.values():
                        self.want_key(name, getattr(obj, name))
        for name, keys in self.wanted_keys.items():
            self.keyed[name] = KEYED_REFERENCES[name](keys)

    def name(self, obj: models.Model) -> str | None:
        """The name of an object whose own name is made of raw values, from its fields in words."""
        fields = OBJECT_NAME_FIELDS.get(obj._meta.label_lower)
        if fields is None:
            return None
        parts = []
        for name in fields:
            field = cast(models.Field, obj._meta.get_field(name))  # OBJECT_NAME_FIELDS names concrete fields
            if field.is_relation:
                parts.append(str(getattr(obj, name)))
            elif name in KEYED_REFERENCES:
                parts.append(self.keyed_name(name, getattr(obj, name)))
            else:
                parts.append(value_text(field, getattr(obj, name)))
        return ": ".join(parts)

    def get(self, model: type[models.Model], raw: object) -> models.Model | None:
        return self.found.get(model, {}).get(_to_pk(model, raw))

    def url(self, obj: models.Model) -> str:
        return _url_of(obj) if obj.pk in self.openable.get(type(obj), ()) else ""

    def shown(self, model: type[models.Model], raw: object) -> Shown:
        if raw in (None, "", "None"):
            return Shown("")
        obj = self.get(model, raw)
        if obj is None:
            return Shown(str(NO_LONGER_EXISTS))
        url = self.url(obj)
        # An object the reader may not open is not named either (a pending idea's title); people are
        # named everywhere in the trail, they only lack a page of their own.
        if not url and model is not get_user_model() and model._meta.label_lower in OPEN_RULES:
            return Shown(str(HIDDEN_VALUE))
        return Shown(str(obj), url)


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a field removed since the entry was written
        return None
    return cast(models.Field, field)  # auditlog records concrete and many-to-many fields only


def is_shown(model: type[models.Model] | None, field: models.Field | None, name: str) -> bool:
    """Whether a field's changes mean something to a reader."""
    if name in NOT_SHOWN_FIELDS:
        return False
    if model is not None and name in NOT_SHOWN_PER_MODEL.get(model._meta.label_lower, ()):
        return False
    if field is None:
        return model is None or name in RECORDED_EXTRAS.get(model._meta.label_lower, ())
    if getattr(field, "primary_key", False) or (not field.concrete and not field.many_to_many):
        return False  # the number of the row, and lists of other objects pointing here
    if isinstance(field, models.BinaryField):
        return False
    # A time stamp set on every save tells no more than the entry's own time.
    return not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def field_label(field: models.Field | None, name: str) -> str:
    """The field's name for the reader: its verbose name (translated), else a name given here, else
    for a reference the name of the kind of object it points to."""
    if field is None:
        return str(FIELD_LABELS[name]) if name in FIELD_LABELS else name.replace("_", " ")
    verbose = getattr(field, "verbose_name", None)
    if isinstance(verbose, Promise):
        return str(verbose)
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    if field.is_relation and field.related_model is not None:
        return str(field.related_model._meta.verbose_name)
    return str(verbose or name)


def _parse_time(raw: str) -> datetime.datetime | None:
    try:
        value = datetime.datetime.fromisoformat(raw)
    except ValueError:
        return None
    if timezone.is_naive(value):  # auditlog writes times in UTC without a zone
        value = timezone.make_aware(value, datetime.UTC)
    return timezone.localtime(value)


def _number(raw: str) -> str:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return raw
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return formats.number_format(value, force_grouping=True)


def _json(raw: str) -> str:
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {item}" for key, item in value.items())
    return "" if value is None else str(value)


def value_text(field: models.Field | None, raw: object) -> str:
    """One stored value in words: choices by their label, yes/no, local times in the reader's format."""
    if raw in (None, "", "None"):
        return ""
    raw = str(raw)
    if field is None:
        return raw
    choices = dict(getattr(field, "flatchoices", None) or [])
    if choices:
        label = choices.get(raw)
        if label is None and isinstance(field, models.IntegerField) and raw.lstrip("-").isdigit():
            label = choices.get(int(raw))
        return str(label) if label is not None else raw
    if isinstance(field, models.BooleanField):
        return str(_("yes")) if raw == "True" else str(_("no")) if raw == "False" else raw
    if isinstance(field, models.DateTimeField):
        value = _parse_time(raw)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT") if value else raw
    if isinstance(field, models.DateField):
        try:
            return formats.date_format(datetime.date.fromisoformat(raw[:10]), "SHORT_DATE_FORMAT")
        except ValueError:
            return raw
    if isinstance(field, models.TimeField):
        try:
            return formats.time_format(datetime.time.fromisoformat(raw), "TIME_FORMAT")
        except ValueError:
            return raw
    if isinstance(field, models.DecimalField | models.FloatField | models.IntegerField):
        return _number(raw)
    if isinstance(field, models.JSONField):
        return _json(raw)
    return raw


def _truncated(text: str, length: int = 120) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _reference_model(field: models.Field | None) -> type[models.Model] | None:
    if field is not None and field.concrete and (field.many_to_one or field.one_to_one):
        return field.related_model
    return None


def _fields_of(entry: LogEntry) -> list[tuple[str, models.Field | None, list | dict]]:
    model = entry.content_type.model_class()
    rows = []
    for name, values in entry.changes_dict.items():
        field = _field(model, name)
        if is_shown(model, field, name):
            rows.append((name, field, values))
    return rows


def _m2m_note(values: dict) -> str:
    objects = ", ".join(str(item) for item in values.get("objects", []))
    if values.get("operation") == "delete":
        return str(_("removed: %(objects)s")) % {"objects": objects}
    return str(_("added: %(objects)s")) % {"objects": objects}


def describe_entries(entries: Iterable[LogEntry], *, user: AnyUser, hidden: Callable[[LogEntry], set[str]]) -> None:
    """Prepare entries for reading: `entry.change_rows` (ChangeRow, in the model's field order as
    recorded), `entry.shown_object` (the object, linked if the reader may open it, or saying that it no
    longer exists) and `entry.shown_actor`. A fixed number of queries, whatever the number of entries.

    `hidden(entry)` names fields whose values the reader may not see; `NEVER_SHOWN` are never shown.
    """
    entries = list(entries)
    names = ObjectNames(user)
    for entry in entries:
        names.want(entry.content_type.model_class(), entry.object_pk)
        names.want(get_user_model(), entry.actor_id)
        for name, field, values in _fields_of(entry):
            if isinstance(values, dict):
                continue
            model = _reference_model(field)
            for raw in list(values)[:2]:
                if model is not None:
                    names.want(model, raw)
                elif name in KEYED_REFERENCES:
                    names.want_key(name, raw)
    names.load()
    for entry in entries:
        entry.shown_object = _shown_object(entry, names)
        entry.shown_actor = _shown_actor(entry, names)
        entry.change_rows = _change_rows(entry, names, hidden(entry))


def _shown_actor(entry: LogEntry, names: ObjectNames) -> Shown:
    if entry.actor is not None:
        return Shown(str(entry.actor), names.url(entry.actor))
    # A change made through a page without logging in (an idea submitted without an account) has
    # the visitor's address; one made by the platform itself (tasks, commands, the demo) has none.
    if entry.remote_addr:
        return Shown(str(_("someone without an account")))
    return Shown(capfirst(str(_("system"))))


def _shown_object(entry: LogEntry, names: ObjectNames) -> Shown:
    model = entry.content_type.model_class()
    obj = names.get(model, entry.object_pk) if model is not None else None
    if obj is None:
        return Shown(str(_("%(name)s (no longer exists)")) % {"name": entry.object_repr})
    return Shown(names.name(obj) or entry.object_repr, names.url(obj))


def _change_rows(entry: LogEntry, names: ObjectNames, hidden: set[str]) -> list[ChangeRow]:
    label_key = f"{entry.content_type.app_label}.{entry.content_type.model}"
    masked = set(hidden) | NEVER_SHOWN.get(label_key, set())
    rows = []
    for name, field, values in _fields_of(entry):
        label = field_label(field, name)
        if isinstance(values, dict):  # a list of references (many-to-many): what was added or removed
            note = str(HIDDEN_VALUE) if name in masked else _m2m_note(values)
            rows.append(ChangeRow(label, Shown(""), Shown(""), note=note))
            continue
        before, after = [*list(values), None, None][:2]
        if name in masked:
            before, after = (Shown(str(HIDDEN_VALUE) if v not in (None, "None", "") else "") for v in (before, after))
        elif (model := _reference_model(field)) is not None:
            before, after = names.shown(model, before), names.shown(model, after)
        elif name in KEYED_REFERENCES:
            before, after = Shown(names.keyed_name(name, before)), Shown(names.keyed_name(name, after))
        else:
            lang = "en" if name.endswith("_en") else "de" if name.endswith("_de") else ""
            before, after = (Shown(_truncated(value_text(field, v)), lang=lang) for v in (before, after))
        # A new object's empty fields, and a deleted one's, say nothing.
        if entry.action == LogEntry.Action.CREATE and not after.text:
            continue
        if entry.action == LogEntry.Action.DELETE and not before.text:
            continue
        rows.append(ChangeRow(label, before, after))
    return rows
