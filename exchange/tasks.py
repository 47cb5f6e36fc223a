"""The periodic sync: a task that fetches every due peer and then queues itself again.

Start it once with `manage.py exchange_sync --schedule`; the database worker (`db_worker`) runs
it and it re-queues itself every ETAPPE_EXCHANGE_INTERVAL_MINUTES.
"""

from datetime import timedelta

from django.conf import settings
from django.tasks import task

from core.periodic import queue_next_run
from exchange.sync import sync_peers


@task
def sync_exchange(reschedule: bool = False) -> dict[str, int]:
    if reschedule:  # first: a worker that dies during the sync must not end the chain (core/periodic.py)
        minutes = settings.ETAPPE_EXCHANGE["INTERVAL_MINUTES"]
        queue_next_run(sync_exchange, timedelta(minutes=minutes), reschedule=True)
    outcomes = sync_peers()
    from maturity.peering import sync_peer_maturity  # maturity builds on the exchange, not the other way round

    sync_peer_maturity()  # after the feeds: keys are pinned and failing peers are in back-off
    return {"peers": len(outcomes), "failed": sum(1 for o in outcomes if not o.ok)}


EMBED_PER_RUN = 1000


@task
def embed_received(limit: int = EMBED_PER_RUN) -> int:
    """Compute the vectors of received items that lack one (new or changed in a sync), for "who has done this before?".

    Queued after every sync that stored items. One run embeds at most `limit` items, newest first,
    so the worker stays free for other tasks; when some are still waiting it queues itself again.
    Items that already have a vector are skipped: running it twice is harmless. Returns how many
    items got a vector.
    """
    from exchange.similar import pending, received_embed_pending  # numpy and the model interface, only when it runs

    run = received_embed_pending(limit=limit)
    if run.stored and pending().exists():
        embed_received.enqueue(limit=limit)
    return run.stored
