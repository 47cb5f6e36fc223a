"""The ranking maths, without the database."""

import math

from django.test import SimpleTestCase
from django.utils import translation

from prioritisation.demand import DemandInputs, demand_shares
from prioritisation.matrix import effort_impact
from prioritisation.ranking import Column, RankingError, Row, build_matrix, rank

BENEFIT = Column(id=1, name="Nutzen", weight=30, scale_min=1, scale_max=5, axis="impact")
EFFORT = Column(id=2, name="Aufwand", weight=10, scale_min=1, scale_max=5, lower_is_better=True, axis="effort", slot=1)
DEMAND = Column(id=3, name="Bedarf", weight=10, scale_min=1, scale_max=5, derived=True, axis="impact", slot=2)
A, B = 101, 102  # assessors


def rows(*titles: str) -> list[Row]:
    return [Row(id=i, idea_id=100 + i, title=title) for i, title in enumerate(titles, start=1)]


class RankingTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_lower_is_better_criteria_count_in_reverse(self) -> None:
        matrix = build_matrix(
            columns=[EFFORT],
            rows=rows("viel Aufwand", "wenig Aufwand"),
            assessor_ids=[A],
            scores=[(1, 2, A, 5), (2, 2, A, 1)],
        )
        result = rank(matrix)
        self.assertEqual([r.row.title for r in result.rows], ["wenig Aufwand", "viel Aufwand"])
        self.assertEqual([r.total for r in result.rows], [100.0, 0.0])

    def test_weights_are_normalised_and_contributions_add_up_to_the_total(self) -> None:
        matrix = build_matrix(
            columns=[BENEFIT, EFFORT],
            rows=rows("Idee"),
            assessor_ids=[A],
            scores=[(1, 1, A, 5), (1, 2, A, 3)],
        )
        result = rank(matrix)
        self.assertEqual(result.shares, [75.0, 25.0])
        (row,) = result.rows
        # Benefit 5 of 1–5 is the best value (1.0); effort 3 is the middle (0.5): 75 × 1 + 25 × 0.5.
        self.assertAlmostEqual(row.total, 87.5)
        self.assertEqual([c.points for c in row.contributions], [75.0, 12.5])
        self.assertAlmostEqual(sum(c.points for c in row.contributions), row.total)
        self.assertEqual([c.offset for c in row.contributions], [0.0, 75.0])
        self.assertEqual([c.value for c in row.contributions], [5.0, 3.0])

    def test_the_spread_is_the_assessors_standard_deviation_averaged_over_criteria(self) -> None:
        matrix = build_matrix(
            columns=[BENEFIT, EFFORT],
            rows=rows("umstritten"),
            assessor_ids=[A, B],
            scores=[(1, 1, A, 1), (1, 1, B, 5), (1, 2, A, 2), (1, 2, B, 2)],
        )
        (row,) = rank(matrix).rows
        # Benefit: 0 and 1 on the normalised scale, deviation 0.5; effort: both the same, 0.
        self.assertEqual([c.spread for c in row.contributions], [0.5, 0.0])
        self.assertAlmostEqual(row.spread, 0.25)
        self.assertEqual(row.spread_level, "high")
        self.assertEqual(row.most_disputed, BENEFIT)

    def test_missing_scores_take_the_mean_of_those_who_scored(self) -> None:
        matrix = build_matrix(
            columns=[BENEFIT, EFFORT],
            rows=rows("halb bewertet", "nicht bewertet"),
            assessor_ids=[A, B],
            scores=[(1, 1, A, 5), (1, 2, A, 1), (1, 2, B, 1)],
        )
        by_title = {r.row.title: r for r in rank(matrix).rows}
        half = by_title["halb bewertet"]
        self.assertEqual(half.contributions[0].value, 5.0)
        self.assertEqual(half.contributions[0].count, 1)
        self.assertAlmostEqual(half.total, 100.0)
        self.assertAlmostEqual(half.completeness, 0.75)
        self.assertEqual(half.spread, 0.0)  # effort has two equal scores; benefit only one
        nothing = by_title["nicht bewertet"]
        # Nobody scored it: every criterion counts as the middle of its scale.
        self.assertAlmostEqual(nothing.total, 50.0)
        self.assertEqual(nothing.completeness, 0.0)
        self.assertIsNone(nothing.spread)
        self.assertIsNone(nothing.contributions[0].value)

    def test_what_if_reranks_and_reports_the_movement(self) -> None:
        matrix = build_matrix(
            columns=[BENEFIT, EFFORT],
            rows=rows("großer Nutzen, viel Aufwand", "kleiner Nutzen, wenig Aufwand"),
            assessor_ids=[A],
            scores=[(1, 1, A, 5), (1, 2, A, 5), (2, 1, A, 2), (2, 2, A, 1)],
        )
        agreed = rank(matrix)
        self.assertFalse(agreed.is_what_if)
        self.assertEqual(agreed.rows[0].row.title, "großer Nutzen, viel Aufwand")
        what_if = rank(matrix, {BENEFIT.id: 10, EFFORT.id: 30})
        self.assertTrue(what_if.is_what_if)
        self.assertEqual(what_if.rows[0].row.title, "kleiner Nutzen, wenig Aufwand")
        self.assertEqual([(r.rank, r.agreed_rank, r.moved) for r in what_if.rows], [(1, 2, 1), (2, 1, -1)])
        # The agreed weights themselves are no what-if.
        self.assertFalse(rank(matrix, {BENEFIT.id: 30, EFFORT.id: 10}).is_what_if)
        self.assertEqual(rank(matrix).rows[0].row.title, "großer Nutzen, viel Aufwand")

    def test_weights_of_zero_in_total_or_below_zero_are_refused(self) -> None:
        matrix = build_matrix(columns=[BENEFIT, EFFORT], rows=rows("Idee"), assessor_ids=[A], scores=[])
        with self.assertRaisesMessage(RankingError, "add up to zero"):
            rank(matrix, {BENEFIT.id: 0, EFFORT.id: 0})
        with self.assertRaisesMessage(RankingError, "negative"):
            rank(matrix, {BENEFIT.id: -5})

    def test_equal_totals_share_a_rank(self) -> None:
        matrix = build_matrix(
            columns=[BENEFIT],
            rows=rows("a", "b", "c"),
            assessor_ids=[A],
            scores=[(1, 1, A, 4), (2, 1, A, 4), (3, 1, A, 1)],
        )
        self.assertEqual([r.rank for r in rank(matrix).rows], [1, 1, 3])

    def test_unknown_and_derived_scores_are_ignored(self) -> None:
        matrix = build_matrix(
            columns=[BENEFIT, DEMAND],
            rows=rows("Idee"),
            assessor_ids=[A],
            scores=[(1, 1, A, 5), (1, 3, A, 1), (9, 1, A, 1), (1, 99, A, 1), (1, 1, 999, 1)],
            demand=[0.5],
        )
        (row,) = rank(matrix).rows
        self.assertEqual([c.count for c in row.contributions], [1, 0])
        self.assertEqual(row.contributions[1].value, 3.0)  # 1 + 0.5 × (5 − 1)
        self.assertEqual(row.completeness, 1.0)  # derived criteria are not expected to be scored

    def test_an_empty_round_ranks_nothing(self) -> None:
        result = rank(build_matrix(columns=[BENEFIT], rows=[], assessor_ids=[], scores=[]))
        self.assertEqual(result.rows, [])


class DemandTests(SimpleTestCase):
    def test_each_input_is_relative_to_the_largest_and_unused_inputs_are_left_out(self) -> None:
        shares = demand_shares([DemandInputs(4, 0, 0), DemandInputs(2, 5, 0), DemandInputs(0, 0, 0)])
        # Supports 4/4 and 2/4, stakeholder weight 0/5 and 5/5; nobody has survey answers.
        self.assertEqual(shares.tolist(), [0.5, 0.75, 0.0])

    def test_no_participation_at_all_gives_zero(self) -> None:
        self.assertEqual(demand_shares([DemandInputs(0, 0, 0)] * 2).tolist(), [0.0, 0.0])
        self.assertEqual(demand_shares([]).tolist(), [])


class MatrixTests(SimpleTestCase):
    def test_candidates_land_in_their_quadrant(self) -> None:
        scores = [
            (1, 1, A, 5), (1, 2, A, 1),  # high impact, little effort
            (2, 1, A, 5), (2, 2, A, 5),  # high impact, much effort
            (3, 1, A, 1), (3, 2, A, 1),  # little impact, little effort
            (4, 1, A, 1), (4, 2, A, 5),  # little impact, much effort
        ]  # fmt: skip
        matrix = build_matrix(
            columns=[BENEFIT, EFFORT], rows=rows("quick", "big", "fill", "thankless"), assessor_ids=[A], scores=scores
        )
        figure = effort_impact(matrix, rank(matrix))
        placed = {q.key: [d.title for d in q.dots] for q in figure.quadrants}
        self.assertEqual(
            placed, {"quick_wins": ["quick"], "big_bets": ["big"], "fill_ins": ["fill"], "thankless": ["thankless"]}
        )
        quick = figure.quadrants[0].dots[0]
        self.assertEqual((quick.effort, quick.impact), (0.0, 100.0))
        self.assertTrue(all(figure.margin <= d.x <= figure.size and 0 <= d.y <= figure.plot for d in figure.dots))

    def test_without_an_effort_criterion_there_is_no_matrix(self) -> None:
        matrix = build_matrix(columns=[BENEFIT], rows=rows("a"), assessor_ids=[A], scores=[])
        self.assertIsNone(effort_impact(matrix, rank(matrix)))

    def test_dots_on_the_same_spot_are_set_apart(self) -> None:
        matrix = build_matrix(columns=[BENEFIT, EFFORT], rows=rows("a", "b"), assessor_ids=[A], scores=[])
        first, second = effort_impact(matrix, rank(matrix)).dots
        self.assertGreater(math.dist((first.x, first.y), (second.x, second.y)), 10)
