"""A ranking made ready for the page.

The contribution bars and the numbers are formatted here rather than with template filters: a
round of 500 candidates and 12 criteria has 6,000 bar segments and 6,000 table cells, and
`floatformat` alone would take most of a second for them.
"""

from dataclasses import dataclass

from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from prioritisation.ranking import RankedRow, Ranking


@dataclass
class DisplayRow:
    ranked: RankedRow
    total: str
    bar: SafeString  # the stacked bar as SVG, with the contributions as its text alternative
    cells: SafeString  # one table cell per criterion: "points (Ø mean score)"


def _number(separator: str):
    def one_decimal(value: float) -> str:
        return f"{value:.1f}".replace(".", separator)

    return one_decimal


def display_rows(ranking: Ranking) -> list[DisplayRow]:
    number = _number(str(get_format("DECIMAL_SEPARATOR")))
    rows = []
    for ranked in ranking.rows:
        contributions = ranked.contributions
        label = ", ".join(f"{c.column.name} {number(c.points)}" for c in contributions)
        rects = "".join(
            f'<rect x="{c.offset:.3f}" width="{c.points:.3f}" height="10" class="seg-{c.column.slot}"/>'
            for c in contributions
            if c.points > 0
        )
        bar = mark_safe(  # noqa: S308 - numbers formatted above; the only text (criterion names) is escaped
            '<svg class="contribution-bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
            f'aria-label="{escape(label)}">{rects}</svg>'
        )
        cells = mark_safe(  # noqa: S308 - nothing but formatted numbers
            "".join(
                f'<td class="kern-table__cell kern-table__cell--numeric">{number(c.points)} '
                f"({'–' if c.value is None else 'Ø ' + number(c.value)})</td>"
                for c in contributions
            )
        )
        rows.append(DisplayRow(ranked=ranked, total=number(ranked.total), bar=bar, cells=cells))
    return rows
