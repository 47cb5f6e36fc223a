"""Embeddings of new ideas per second, computed in the background by a real worker.

A burst of `count` ideas is made to wait for vectors (their vectors are dropped for the run and
put back afterwards), one task per idea is put into the database queue, as `idea_submit` does
for each new idea, and `manage.py db_worker --batch` runs the queue in its own process until it
is empty. The rate is counted from the moment the worker started the first task to the moment it
finished the last (the model's loading included); the worker's own start-up (Django, imports) is
reported beside it.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from core.similarity import embed_threads, get_embedder
from ideas.models import Idea
from ideas.tasks import embed_ideas


def embeddings_per_second(*, count: int = 256) -> dict | None:
    if get_embedder() is None:
        return None
    ids = list(Idea.objects.order_by("-pk").values_list("pk", flat=True)[:count])
    saved = {
        pk: (dense, sparse)
        for pk, dense, sparse in Idea.objects.filter(pk__in=ids).values_list("pk", "embedding", "sparse_terms")
    }
    # Everything else that waits for vectors would be taken along by the tasks; it is left alone.
    others_waiting = list(Idea.objects.filter(embedding__isnull=True).exclude(pk__in=ids).values_list("pk", flat=True))
    Idea.objects.filter(pk__in=others_waiting).update(embedding=b"")
    Idea.objects.filter(pk__in=ids).update(embedding=None, sparse_terms=None)
    backend = DatabaseBackend("default", {})
    task_ids = [backend.enqueue(embed_ideas, [[pk]], {}).id for pk in ids]
    env = {**os.environ, "ETAPPE_TASKS": "database", "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    started = time.monotonic()
    try:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--batch",
                "--no-startup-delay",
                "--no-reload",
                "--verbosity",
                "0",
            ],
            cwd=Path(settings.BASE_DIR),
            env=env,
            check=True,
        )
        wall = time.monotonic() - started
        results = DBTaskResult.objects.filter(id__in=task_ids)
        span = results.aggregate(first=Min("started_at"), last=Max("finished_at"))
        failed = results.exclude(status="SUCCESSFUL").count()
        embedded = Idea.objects.filter(pk__in=ids, embedding__isnull=False).count()
    finally:
        with transaction.atomic():
            for pk, (dense, sparse) in saved.items():
                Idea.objects.filter(pk=pk).update(embedding=dense, sparse_terms=sparse)
            Idea.objects.filter(pk__in=others_waiting).update(embedding=None)
            DBTaskResult.objects.filter(id__in=task_ids).delete()
    seconds = (span["last"] - span["first"]).total_seconds() if span["first"] and span["last"] else wall
    return {
        "ideas": len(ids),
        "embedded": embedded,
        "tasks": len(task_ids),
        "tasks_failed": failed,
        "seconds": round(seconds, 2),
        "ideas_per_second": round(embedded / seconds, 1) if seconds else 0.0,
        "worker_wall_seconds": round(wall, 2),
        "threads": embed_threads(),
        "batch": "one task per idea; a task embeds its idea and up to 63 others waiting",
    }
