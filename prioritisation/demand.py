"""“Demand from participation”: derived from what people said, not scored by the assessors.

Three inputs per idea:

- supports: `Idea.support_count` (one per person);
- stakeholder weight: the sum of the influence (1–5) of every stakeholder linked to the idea;
- survey answers: free-text survey answers that became this idea.

Each input is divided by its largest value among the round's candidates (so the idea with
the most supports gets 1.0 for supports); the demand share is the mean of these three ratios,
leaving out an input that is 0 for every candidate. The share (0..1) maps linearly onto the
criterion's scale: value = lowest + share × (highest − lowest). Because it is relative to the
round, the same idea can get a different value in another round.
"""

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np


class DemandInputs(NamedTuple):
    supports: int
    stakeholder_weight: int
    survey_answers: int


def demand_shares(inputs: Sequence[DemandInputs | None]) -> np.ndarray:
    """The demand share (0..1) of every candidate, relative to the others in the same round."""
    if not inputs:
        return np.zeros(0)
    table = np.array([tuple(i) if i is not None else (0, 0, 0) for i in inputs], dtype=float)
    largest = table.max(axis=0)
    used = largest > 0
    if not used.any():
        return np.zeros(len(inputs))
    return (table[:, used] / largest[used]).mean(axis=1)
