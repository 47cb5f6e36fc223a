"""Background tasks of the idea pool (django.tasks; the backend is chosen in config/settings.py).

In production they wait in the database queue until `manage.py db_worker` runs them; in
development and tests they run at once.
"""

from django.tasks import task

from ideas.services import EMBED_BATCH, ideas_embed_pending


@task
def embed_ideas(idea_ids: list[int]) -> int:
    """Compute the vectors of these ideas (new, or with a changed text) for similar ideas.

    While the model is at work it also takes other ideas still waiting for vectors, up to a full
    batch, so a burst of new ideas is embedded a batch at a time and the later tasks of the burst
    find nothing left to do. Ideas that already have vectors are skipped: running a task twice is
    harmless. Returns how many ideas got vectors.
    """
    return ideas_embed_pending(first=idea_ids, limit=max(len(idea_ids), EMBED_BATCH))
