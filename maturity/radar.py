"""The radar chart of a round as plain numbers for an SVG template: one axis per dimension, rings for levels 1–4.

Up to four series: now (this round), the previous round, the target and the median of other
municipalities (only where the comparison may be shown, see maturity/sharing.py). Each has its own
line pattern and the network its own marker shape (squares), so they differ without colour. A
missing value is drawn at the centre and shown as "–" in the table next to the chart.
"""

import math
from dataclasses import dataclass

from maturity.models import SCORE_MAX
from maturity.results import RoundResults

# Wide enough for the longest dimension titles left and right of the circle.
WIDTH = 800
HEIGHT = 470
CENTRE_X = WIDTH / 2
CENTRE_Y = HEIGHT / 2
RADIUS = 180
LABEL_OFFSET = 18


@dataclass
class Axis:
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str
    label: str


@dataclass
class Series:
    key: str
    label: str
    points: str
    dots: list[tuple[float, float]]
    marker: str = "circle"  # or "square"


@dataclass
class Radar:
    width: int
    height: int
    centre_x: float
    centre_y: float
    axes: list[Axis]
    rings: list[tuple[int, str, float]]  # (level, polygon points, label y)
    series: list[Series]


def _point(index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    distance = RADIUS * max(0.0, min(float(value), SCORE_MAX)) / SCORE_MAX
    return round(CENTRE_X + distance * math.cos(angle), 1), round(CENTRE_Y + distance * math.sin(angle), 1)


def _polygon(values: list[float | None]) -> tuple[str, list[tuple[float, float]]]:
    count = len(values)
    dots = [_point(i, count, value or 0) for i, value in enumerate(values)]
    return " ".join(f"{x},{y}" for x, y in dots), dots


def radar(results: RoundResults, *, labels: dict[str, str]) -> Radar | None:
    """None with fewer than three dimensions: a radar needs at least a triangle."""
    count = len(results.dimensions)
    if count < 3:
        return None
    axes = []
    for index, result in enumerate(results.dimensions):
        x, y = _point(index, count, SCORE_MAX)
        angle = -math.pi / 2 + 2 * math.pi * index / count
        label_x = round(CENTRE_X + (RADIUS + LABEL_OFFSET) * math.cos(angle), 1)
        label_y = round(CENTRE_Y + (RADIUS + LABEL_OFFSET) * math.sin(angle) + 5, 1)
        cos = math.cos(angle)
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        axes.append(Axis(x, y, label_x, label_y, anchor, result.dimension.title))
    rings = []
    for level in range(1, SCORE_MAX + 1):
        points, _ = _polygon([level] * count)
        rings.append((level, points, round(CENTRE_Y - RADIUS * level / SCORE_MAX + 12, 1)))
    series = []
    candidates = [
        ("target", [float(r.target.level) if r.target else None for r in results.dimensions]),
        ("previous", [r.previous for r in results.dimensions] if results.previous_round else []),
        ("network", [r.network for r in results.dimensions]),
        ("now", [r.now for r in results.dimensions]),
    ]
    for key, values in candidates:
        if values and any(value is not None for value in values):
            points, dots = _polygon(values)
            series.append(Series(key, labels[key], points, dots, "square" if key == "network" else "circle"))
    return Radar(
        width=WIDTH, height=HEIGHT, centre_x=CENTRE_X, centre_y=CENTRE_Y, axes=axes, rings=rings, series=series
    )
