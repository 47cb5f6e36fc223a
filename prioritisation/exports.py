"""A round's ranking as CSV or XLSX: place, idea, points, each criterion's contribution and the spread.

The same numbers as the ranking page, with the agreed weights or – when the export link carries
what-if weights – with those (then the agreed place is a column of its own).
"""

from collections.abc import Iterator

from django.utils.formats import get_format
from django.utils.translation import gettext as _

from core.exports import Table
from prioritisation.ranking import Ranking


def _header(ranking: Ranking, *, with_choice: bool) -> list[str]:
    names = [column.name for column in ranking.columns]
    header = [_("Rank")]
    if ranking.is_what_if:
        header.append(_("Rank with the agreed weights"))
    header += [_("Idea number"), _("Idea"), _("Points (0–100)")]
    header += [_("%(criterion)s: points") % {"criterion": name} for name in names]
    header += [_("%(criterion)s: average score") % {"criterion": name} for name in names]
    header += [
        _("Disagreement (standard deviation, % of the scale)"),
        _("Disagreement"),
        _("Most disagreement on"),
        _("Scores in (%)"),
    ]
    if with_choice:
        header.append(_("Prioritised"))
    return header


def _rows(ranking: Ranking, *, prioritised: set[int] | None) -> Iterator[list]:
    """Numbers as floats rounded to one decimal; empty cells where there is no value."""
    levels = {"low": _("low"), "medium": _("medium"), "high": _("high"), "": ""}
    yes, no = _("yes"), _("no")
    for ranked in ranking.rows:
        contributions = ranked.contributions
        row: list = [ranked.rank]
        if ranking.is_what_if:
            row.append(ranked.agreed_rank)
        row += [ranked.row.idea_id, ranked.row.title, round(ranked.total, 1)]
        row += [round(c.points, 1) for c in contributions]
        row += ["" if c.value is None else round(c.value, 2) for c in contributions]
        row += [
            "" if ranked.spread is None else round(ranked.spread * 100, 1),
            levels[ranked.spread_level],
            ranked.most_disputed.name if ranked.most_disputed and ranked.spread_level != "low" else "",
            round(ranked.completeness * 100),
        ]
        if prioritised is not None:
            row.append(yes if ranked.row.id in prioritised else no)
        yield row


def ranking_table(ranking: Ranking, *, prioritised: set[int] | None = None) -> Table:
    """The CSV: the ranking alone, numbers with the language's decimal separator, as German
    spreadsheet programs expect them."""
    return Table(
        _header(ranking, with_choice=prioritised is not None),
        _rows(ranking, prioritised=prioritised),
        decimal_separator=str(get_format("DECIMAL_SEPARATOR")),
    )


def ranking_sheets(ranking: Ranking, *, title: str, prioritised: set[int] | None = None) -> list[Table]:
    """Two sheets: the ranking, and the criteria with their weights (so the numbers can be traced)."""
    weights = _("Ranking with your weights") if ranking.is_what_if else _("Ranking with the agreed weights")
    criteria = [
        [
            column.name,
            column.weight,
            round(share, 1),
            f"{column.scale_min}–{column.scale_max}",
            _("lower is better") if column.lower_is_better else _("higher is better"),
            _("yes") if column.derived else _("no"),
        ]
        for column, share in ranking.weighted_columns
    ]
    return [
        Table(
            _header(ranking, with_choice=prioritised is not None),
            _rows(ranking, prioritised=prioritised),
            title=_("Ranking"),
            above=[[title], [weights], []],
        ),
        Table(
            [
                _("Criterion"),
                _("Agreed weight"),
                _("Share in this ranking (%)"),
                _("Scale"),
                _("Direction"),
                _("Derived"),
            ],
            criteria,
            title=_("Criteria"),
        ),
    ]
