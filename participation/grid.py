"""The influence/interest grid as server-side SVG: works without JavaScript and prints."""

from dataclasses import dataclass

from participation.models import Stakeholder

SIZE = 400
MARGIN = 48
CELL = (SIZE - MARGIN) / 5


@dataclass(frozen=True)
class Dot:
    number: int
    x: float
    y: float
    name: str


def grid_dots(stakeholders: list[Stakeholder]) -> list[Dot]:
    """One numbered dot per stakeholder; several in one cell are spread within it."""
    cells: dict[tuple[int, int], list[Stakeholder]] = {}
    for stakeholder in stakeholders:
        cells.setdefault((stakeholder.interest, stakeholder.influence), []).append(stakeholder)
    dots = []
    number = {s.pk: i for i, s in enumerate(stakeholders, start=1)}
    for (interest, influence), members in cells.items():
        for k, stakeholder in enumerate(members[:9]):
            dx, dy = (k % 3 - 1) * CELL / 4, (k // 3 - 1) * CELL / 4
            x = MARGIN + (interest - 0.5) * CELL + dx
            y = (5 - influence + 0.5) * CELL + dy
            dots.append(Dot(number[stakeholder.pk], round(x, 1), round(y, 1), stakeholder.name))
    return dots
