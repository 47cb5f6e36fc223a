"""A person's own data: what "download my data" exports and what deleting an account erases.

Apps contribute through two small registries, filled once at start-up from an AppConfig.ready():

- ``register_section(name, export)``: ``export(user)`` returns JSON-serialisable data (lists and
  dicts of str, numbers, booleans, dates) about that person, or ``None`` to leave the section out.
- ``register_eraser(name, erase)``: ``erase(user)`` anonymises the app's rows of that person when
  they delete their account. It runs inside the deletion's transaction, before the account
  itself is scrubbed, so ``user.email`` still holds the real address.

Contributions (ideas, comments) stay and lose their author; the account row stays as an empty
pseudonym ("Deleted account #42") so the audit trail and official decisions keep an actor.
See docs/privacy.md.
"""

from collections.abc import Callable, Iterable
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from accounts.models import User

ExportSection = Callable[[User], Any]
Eraser = Callable[[User], None]

# Keyed by name, so registering twice (tests, autoreload) replaces instead of duplicating.
_sections: dict[str, ExportSection] = {}
_erasers: dict[str, Eraser] = {}

EXPORT_FORMAT = "etappe-personal-data"
EXPORT_VERSION = 1
MASK = "***"


def register_section(name: str, export: ExportSection) -> None:
    _sections[name] = export


def register_eraser(name: str, erase: Eraser) -> None:
    _erasers[name] = erase


def personal_data(user: User) -> dict[str, Any]:
    """Everything the platform holds about one person, one section per contributing app."""
    sections = {}
    for name, export in _sections.items():
        data = export(user)
        if data is not None:
            sections[name] = data
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now(),
        "sections": sections,
    }


def run_erasers(user: User) -> None:
    for erase in _erasers.values():
        erase(user)


def mask_logged_fields(model: type[models.Model], pks: Iterable[Any], fields: Iterable[str]) -> None:
    """Overwrite the recorded before/after values of some fields in the audit trail of some objects.

    The entries themselves stay (who changed what and when); only the personal values go.
    """
    fields = set(fields)
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_pk__in=[str(pk) for pk in pks]
    )
    for entry in entries.exclude(changes__isnull=True).only("pk", "changes"):
        if not isinstance(entry.changes, dict) or not fields & entry.changes.keys():
            continue
        changes = {name: [MASK, MASK] if name in fields else values for name, values in entry.changes.items()}
        LogEntry.objects.filter(pk=entry.pk).update(changes=changes, changes_text="")
