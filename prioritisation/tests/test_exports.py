"""The ranking as CSV and XLSX, and the matrix that the what-if panel redraws."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from installation.testing import make_idea
from prioritisation.models import RoundCriterion
from prioritisation.services import round_close
from prioritisation.testing import make_round, score
from prioritisation.tests.test_pages import EnglishTestCase, closed_round


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


class ExportTests(EnglishTestCase):
    def test_the_csv_has_rank_idea_total_contributions_and_spread(self) -> None:
        priority_round = closed_round(self)
        self.login(self.council)
        response = self.client.get(reverse("prioritisation:ranking_csv", args=[priority_round.pk]))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn(f'filename="ranking-{priority_round.pk}-', response["Content-Disposition"])
        header, *rows = read_csv(response)
        self.assertEqual(header[:4], ["Rank", "Idea number", "Idea", "Points (0–100)"])
        self.assertIn("Nutzen: points", header)
        self.assertIn("Aufwand: average score", header)
        self.assertIn("Disagreement (standard deviation, % of the scale)", header)
        self.assertEqual(header[-1], "Prioritised")
        self.assertEqual([row[2] for row in rows], ["Idee 02", "Idee 01", "Idee 00"])  # as on the page
        self.assertEqual([row[0] for row in rows], ["1", "2", "3"])
        total, benefit, effort = (
            float(rows[0][header.index(name)]) for name in ("Points (0–100)", "Nutzen: points", "Aufwand: points")
        )
        self.assertAlmostEqual(benefit + effort, total, delta=0.11)  # the contributions add up to the total
        self.assertEqual({row[-1] for row in rows}, {"no"})

    def test_numbers_use_the_languages_decimal_separator_and_cells_never_become_formulas(self) -> None:
        priority_round = closed_round(self, ideas=2)
        candidate = priority_round.candidates.first()
        candidate.idea.title = '=HYPERLINK("x")'
        candidate.idea.save()
        self.login(self.staff)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
        header, *rows = read_csv(self.client.get(reverse("prioritisation:ranking_csv", args=[priority_round.pk])))
        self.assertEqual(header[0], "Platz")
        points = [row[3] for row in rows]
        self.assertTrue(all("," in p and "." not in p for p in points), points)
        self.assertIn('\'=HYPERLINK("x")', [row[2] for row in rows])

    def test_the_xlsx_has_the_ranking_and_the_criteria_with_their_weights(self) -> None:
        priority_round = closed_round(self)
        self.login(self.staff)
        response = self.client.get(reverse("prioritisation:ranking_xlsx", args=[priority_round.pk]))
        workbook = load_workbook(io.BytesIO(response.content))
        self.assertEqual(workbook.sheetnames, ["Ranking", "Criteria"])
        rows = list(workbook["Ranking"].iter_rows(values_only=True))
        self.assertEqual(rows[0][0], priority_round.title)
        header = rows[3]
        self.assertEqual(header[:3], ("Rank", "Idea number", "Idea"))
        self.assertEqual([r[2] for r in rows[4:]], ["Idee 02", "Idee 01", "Idee 00"])
        self.assertIsInstance(rows[4][3], float)  # numbers stay numbers
        criteria = list(workbook["Criteria"].iter_rows(values_only=True))
        self.assertEqual([c[:3] for c in criteria[1:]], [("Nutzen", 60, 60.0), ("Aufwand", 40, 40.0)])

    def test_the_export_follows_the_what_if_weights_of_the_link(self) -> None:
        priority_round = closed_round(self)
        benefit, effort = priority_round.criteria.order_by("position")
        self.login(self.staff)
        params = {"whatif": "1", f"w{benefit.pk}": "0", f"w{effort.pk}": "50"}
        page = self.client.get(reverse("prioritisation:ranking", args=[priority_round.pk]), params)
        export_url = reverse("prioritisation:ranking_csv", args=[priority_round.pk])
        self.assertContains(page, f"{export_url}?whatif=1&amp;")  # the link carries the weights
        response = self.client.get(export_url, params)
        self.assertIn("ranking-what-if", response["Content-Disposition"])
        header, *rows = read_csv(response)
        self.assertEqual(header[1], "Rank with the agreed weights")
        self.assertEqual([row[3] for row in rows], ["Idee 00", "Idee 01", "Idee 02"])
        self.assertEqual(sorted(RoundCriterion.objects.values_list("weight", flat=True)), [40, 60])  # nothing saved

    def test_an_open_round_exports_only_for_the_team_and_without_the_choice(self) -> None:
        ideas = [make_idea(), make_idea()]
        priority_round = make_round(team=self.team, ideas=ideas, assessors=[self.staff], state="scoring")
        score(priority_round, self.staff, ideas[0], Nutzen=5)
        url = reverse("prioritisation:ranking_csv", args=[priority_round.pk])
        self.login(self.staff)
        self.assertEqual(self.client.get(url).status_code, 404)  # the assessor sees no interim ranking
        self.login(self.team)
        header, *rows = read_csv(self.client.get(url))
        self.assertNotIn("Prioritised", header)
        self.assertEqual(len(rows), 2)
        round_close(priority_round=priority_round, prioritise=list(priority_round.candidates.all()[:1]), by=self.team)
        header, *rows = read_csv(self.client.get(url))
        self.assertEqual(sorted(row[-1] for row in rows), ["no", "yes"])

    def test_exports_need_the_same_queries_for_3_or_15_candidates(self) -> None:
        rounds = [closed_round(self, ideas=3), closed_round(self, ideas=15)]
        self.login(self.team)
        for name in ("ranking_csv", "ranking_xlsx"):
            counts = []
            for priority_round in rounds:
                with CaptureQueriesContext(connection) as queries:
                    self.client.get(reverse(f"prioritisation:{name}", args=[priority_round.pk]))
                counts.append(len(queries))
            self.assertEqual(counts[0], counts[1], name)


class WhatIfMatrixTests(EnglishTestCase):
    def test_the_ranking_page_shows_the_matrix_and_what_if_redraws_it(self) -> None:
        priority_round = closed_round(self, ideas=4)
        benefit, effort = priority_round.criteria.order_by("position")
        url = reverse("prioritisation:ranking", args=[priority_round.pk])
        self.login(self.staff)
        page = self.client.get(url).content.decode()
        self.assertIn('id="whatif-matrix"', page)
        self.assertEqual(page.count('class="matrix-dot"'), 4)
        self.assertIn("Drawn with the agreed weights", page)
        params = {"whatif": "1", f"w{benefit.pk}": "0", f"w{effort.pk}": "50"}
        with CaptureQueriesContext(connection) as queries:
            partial = self.client.get(url, params, headers={"HX-Request": "true"}).content.decode()
        self.assertIn('<div id="whatif-matrix" hx-swap-oob="true">', partial)
        self.assertEqual(partial.count('class="matrix-dot"'), 4)
        self.assertIn("Drawn with your weights", partial)
        # Idee 00 has the least effort, so with only effort counting it is place 1, top left.
        matrix = partial[partial.index('id="whatif-matrix"') :]
        first_dot = matrix[matrix.index('class="matrix-dot"') :]
        self.assertIn('class="matrix-number">1<', first_dot[:200])
        writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
        self.assertEqual(writes, [])

    def test_the_what_if_matrix_uses_the_what_if_weights_within_an_axis(self) -> None:
        from prioritisation.matrix import effort_impact
        from prioritisation.ranking import load_matrix, rank
        from prioritisation.testing import make_criterion

        criteria = [
            make_criterion(name="Bürger", matrix_axis="impact", default_weight=50, position=0),
            make_criterion(name="Personal", matrix_axis="impact", default_weight=50, position=1),
            make_criterion(name="Aufwand", matrix_axis="effort", direction="lower", default_weight=10, position=2),
        ]
        idea = make_idea()
        priority_round = make_round(
            team=self.team, ideas=[idea], assessors=[self.staff], criteria=criteria, state="scoring"
        )
        score(priority_round, self.staff, idea, Bürger=5, Personal=1, Aufwand=3)
        matrix = load_matrix(priority_round)
        citizens, staff, _effort = (c.id for c in matrix.columns)
        agreed = effort_impact(matrix, rank(matrix)).dots[0]
        only_citizens = effort_impact(matrix, rank(matrix, {citizens: 50, staff: 0})).dots[0]
        self.assertEqual((agreed.impact, only_citizens.impact), (50.0, 100.0))
