"""The effort–impact matrix as server-side SVG: works without JavaScript and prints.

Impact is the weighted mean goodness (0..1) of the criteria marked “impact”, effort is one
minus the weighted mean goodness of the criteria marked “effort” (so a high effort or cost score
lands on the right). Weights are those of the ranking it is drawn with – the agreed ones, or a
what-if's; criteria of one axis that all weigh 0 count equally. The quadrants split both axes in the middle.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from prioritisation.models import MatrixAxis
from prioritisation.ranking import RankedRow, Ranking, ScoreMatrix

SIZE = 440
MARGIN = 56  # room for the axis labels left and below
PLOT = SIZE - MARGIN
PAD = 16  # keeps dots inside the frame
DOT_RADIUS = 11

QUADRANTS = [
    ("quick_wins", _("Quick wins"), _("high impact, little effort: do first")),
    ("big_bets", _("Big bets"), _("high impact, much effort: plan carefully")),
    ("fill_ins", _("Fill-ins"), _("little impact, little effort: when there is room")),
    ("thankless", _("Thankless tasks"), _("little impact, much effort: question them")),
]


@dataclass(frozen=True)
class Dot:
    number: int
    x: float
    y: float
    title: str
    idea_id: int
    effort: float  # 0..100
    impact: float  # 0..100


@dataclass
class Quadrant:
    key: str
    label: str
    hint: str
    dots: list[Dot] = field(default_factory=list)

    @property
    def items_html(self) -> SafeString:
        """The list items (the matrix's text alternative), formatted here: a round of 500 ideas would
        spend most of its time in template tags otherwise."""
        link = reverse("ideas:detail", args=[0])[: -len("0/")]
        values = gettext("effort %(effort)s, impact %(impact)s")  # in the page's language
        items = []
        for dot in self.dots:
            numbers = values % {"effort": f"{dot.effort:.0f}", "impact": f"{dot.impact:.0f}"}
            items.append(
                f'<li class="kern-body"><a class="kern-link" href="{link}{dot.idea_id}/">{dot.number}. '
                f'{escape(dot.title)}</a> <span class="muted">({escape(numbers)})</span></li>'
            )
        return mark_safe("".join(items))  # noqa: S308 - every text is escaped above


@dataclass
class MatrixFigure:
    quadrants: list[Quadrant]
    dots: list[Dot]
    size: int = SIZE
    margin: int = MARGIN
    plot: int = PLOT

    @property
    def middle_x(self) -> float:
        return self.margin + self.plot / 2

    @property
    def middle_y(self) -> float:
        return self.plot / 2

    @property
    def half(self) -> float:
        return self.plot / 2

    @property
    def dots_svg(self) -> SafeString:
        """One numbered circle per idea; coordinates are always written with a decimal point."""
        return mark_safe(  # noqa: S308 - nothing but numbers
            "".join(
                f'<g><circle cx="{d.x}" cy="{d.y}" r="{DOT_RADIUS}" class="matrix-dot"/><text x="{d.x}" y="{d.y}" '
                f'dy="4" text-anchor="middle" class="matrix-number">{d.number}</text></g>'
                for d in self.dots
            )
        )


def _axis_level(matrix: ScoreMatrix, axis: str, shares: list[float]) -> np.ndarray | None:
    chosen = [j for j, col in enumerate(matrix.columns) if col.axis == axis]
    if not chosen:
        return None
    weights = np.array([shares[j] for j in chosen], dtype=float)
    if weights.sum() <= 0:
        weights = np.ones(len(chosen))
    return matrix.goodness[:, chosen] @ (weights / weights.sum())


def quadrant_of(effort: float, impact: float) -> str:
    if impact >= 0.5:
        return "quick_wins" if effort < 0.5 else "big_bets"
    return "fill_ins" if effort < 0.5 else "thankless"


def effort_impact(matrix: ScoreMatrix, ranking: Ranking) -> MatrixFigure | None:
    """Dots numbered by rank, with the ranking's weights; None when the round has no impact or no effort criterion."""
    impact = _axis_level(matrix, MatrixAxis.IMPACT, ranking.shares)
    goodness = _axis_level(matrix, MatrixAxis.EFFORT, ranking.shares)
    if impact is None or goodness is None:
        return None
    effort = 1.0 - goodness
    index = {row.id: i for i, row in enumerate(matrix.rows)}
    quadrants = {key: Quadrant(key, str(label), str(hint)) for key, label, hint in QUADRANTS}
    placed: dict[tuple[int, int], list[tuple[float, float, RankedRow, float, float]]] = {}
    for ranked in ranking.rows:
        i = index[ranked.row.id]
        e, m = float(effort[i]), float(impact[i])
        x = MARGIN + PAD + e * (PLOT - 2 * PAD)
        y = PAD + (1 - m) * (PLOT - 2 * PAD)
        placed.setdefault((round(x / DOT_RADIUS), round(y / DOT_RADIUS)), []).append((x, y, ranked, e, m))
    dots = []
    for group in placed.values():
        for k, (x, y, ranked, e, m) in enumerate(group):
            if len(group) > 1:  # several candidates on one spot: set them around it
                angle = 2 * math.pi * k / len(group)
                x, y = x + DOT_RADIUS * math.cos(angle), y + DOT_RADIUS * math.sin(angle)
            dot = Dot(
                number=ranked.rank,
                x=round(x, 1),
                y=round(y, 1),
                title=ranked.row.title,
                idea_id=ranked.row.idea_id,
                effort=round(e * 100, 1),
                impact=round(m * 100, 1),
            )
            dots.append(dot)
            quadrants[quadrant_of(e, m)].dots.append(dot)
    for quadrant in quadrants.values():
        quadrant.dots.sort(key=lambda d: (d.number, d.title))
    dots.sort(key=lambda d: (d.number, d.title))
    return MatrixFigure(quadrants=list(quadrants.values()), dots=dots)
