"""Generated data: `search` is the last app, so it indexes everything the others just bulk-created."""

import random

from search.registry import reindex


def extend_generated(*, scale_name: str, rng: random.Random, batch: int) -> dict[str, int]:
    counts = reindex(batch=batch)
    return {"search documents": sum(counts.values())}
