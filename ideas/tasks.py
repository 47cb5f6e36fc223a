"""Background tasks of the idea pool (django.tasks; the backend is chosen in config/settings.py).

In production they wait in the database queue until `manage.py db_worker` runs them; in
development and tests they run at once.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from core.periodic import queue_next_run
from ideas.services import EMBED_BATCH, ideas_embed_pending

PURGE_CHUNK = 500


@task
def embed_ideas(idea_ids: list[int]) -> int:
    """Compute the vectors of these ideas (new, or with a changed text) for similar ideas.

    While the model is at work it also takes other ideas still waiting for vectors, up to a full
    batch, so a burst of new ideas is embedded a batch at a time and the later tasks of the burst
    find nothing left to do. Ideas that already have vectors are skipped: running a task twice is
    harmless. Returns how many ideas got vectors.
    """
    return ideas_embed_pending(first=idea_ids, limit=max(len(idea_ids), EMBED_BATCH))


def purge_unconfirmed_ideas(*, days: int | None = None) -> int:
    """Delete ideas sent without an account whose address was not confirmed within `days` days.

    They were never shown to anyone, and they hold a name and an e-mail address that nobody
    confirmed (possibly someone else's). Their audit trail goes with them, and the deletion itself
    is not logged (the log entry would keep the name and address). Returns how many were deleted.
    """
    from auditlog.context import disable_auditlog
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from ideas.models import Idea, Moderation

    days = settings.ETAPPE_UNCONFIRMED_RETENTION_DAYS if days is None else days
    unconfirmed = Idea.objects.filter(
        moderation=Moderation.UNCONFIRMED, submitted_at__lt=timezone.now() - timedelta(days=days)
    )
    content_type = ContentType.objects.get_for_model(Idea)
    deleted = 0
    while pks := list(unconfirmed.values_list("pk", flat=True)[:PURGE_CHUNK]):
        with transaction.atomic(), disable_auditlog():
            deleted += unconfirmed.filter(pk__in=pks).delete()[1].get(Idea._meta.label, 0)
            LogEntry.objects.filter(content_type=content_type, object_pk__in=[str(pk) for pk in pks]).delete()
    return deleted


@task
def purge_unconfirmed(reschedule: bool = False) -> int:
    """The periodic purge: `manage.py purge_unconfirmed_ideas --schedule` queues it once, then it runs daily.

    The next run is queued before this one works, so a worker that dies meanwhile does not end
    the chain; a second chain is not started while a run is already waiting.
    """
    if reschedule:
        queue_next_run(purge_unconfirmed, timedelta(days=1), reschedule=True)
    return purge_unconfirmed_ideas()
