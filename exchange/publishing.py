"""Keeping the outbox (`Publication`) in step with projects and lessons.

Changes to a project, its milestones, key figures and decisions, or to a lesson, rebuild that
object's document after the transaction commits. `publications_refresh()` without arguments
rebuilds everything (after bulk imports and generated data: `manage.py exchange_publish`).
"""

import hashlib
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from exchange import documents
from exchange.models import Publication
from exchange.signing import canonical, installation_key, sign

BATCH = 200
logger = logging.getLogger(__name__)


def signed_payload(publication: Publication, key_prefix: str | None = None) -> dict:
    """What the signature covers: everything a reader needs to trust, nothing that changes in transit."""
    return {
        "uid": documents.uid(publication.kind, publication.local_id, key_prefix),
        "type": publication.kind,
        "changed_at": publication.changed_at.isoformat(),
        "withdrawn": publication.withdrawn,
        "data": publication.document if not publication.withdrawn else None,
    }


def publications_refresh(kind: str | None = None, ids: Iterable[int] | None = None) -> int:
    """Rebuild the documents of these objects (or of everything); returns how many changed."""
    kinds = [kind] if kind else ["project", "lesson"]
    shared = documents.shared_ids()
    key = installation_key()
    changed = 0
    for each in kinds:
        wanted = sorted(
            set(ids)
            if ids is not None
            else shared[each] | set(Publication.objects.filter(kind=each).values_list("local_id", flat=True))
        )
        for start in range(0, len(wanted), BATCH):
            changed += _refresh_batch(each, wanted[start : start + BATCH], shared[each], key)
    return changed


def _refresh_batch(kind: str, ids: list[int], shared: set[int], key) -> int:
    built = documents.build(kind, [i for i in ids if i in shared])
    existing = {p.local_id: p for p in Publication.objects.filter(kind=kind, local_id__in=ids)}
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        for local_id in ids:
            document = built.get(local_id)
            publication = existing.get(local_id)
            if document is None and publication is None:
                continue  # never shared, nothing to withdraw
            withdrawn = document is None
            digest = hashlib.sha256(canonical({"withdrawn": withdrawn, "data": document})).hexdigest()
            if publication is not None and publication.digest == digest:
                continue
            publication = publication or Publication(kind=kind, local_id=local_id)
            publication.withdrawn = withdrawn
            publication.document = document or {}
            publication.digest = digest
            publication.changed_at = now
            publication.signature = sign(signed_payload(publication, key.public_key[:16]), key)
            publication.save()
            changed += 1
    return changed


def refresh_later(kind: str, local_id: int) -> None:
    """Rebuild this object's document once the current transaction has committed.

    The rule for the outbox (docs/architecture.md, "Derived data"): after commit, never inside the
    change. A project's document is built from the project and its milestones, key figures,
    decisions and fields of action, which a form saves one after another; built after commit it
    holds what was committed, and building it can neither slow down nor undo the change.
    """
    transaction.on_commit(lambda: _refresh_logged(kind, local_id))


def _refresh_logged(kind: str, local_id: int) -> None:
    """Publishing must never undo or break the change that triggered it; a failure is logged and
    repaired by the next change or by `manage.py exchange_publish`."""
    try:
        publications_refresh(kind, [local_id])
    except Exception:
        logger.exception("could not refresh the exchange document of %s %s", kind, local_id)
