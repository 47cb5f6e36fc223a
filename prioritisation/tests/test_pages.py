"""The ranking, what-if and matrix pages, who sees which round, and queries that do not grow with the data."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from accounts.models import Role
from installation.testing import BaseTestCase, make_idea, make_user
from prioritisation.models import PriorityRound, RoundCriterion
from prioritisation.permissions import can_score, can_see_ranking, can_see_round, visible_rounds
from prioritisation.services import round_close
from prioritisation.testing import make_round, score


def closed_round(case: BaseTestCase, *, ideas: int = 3, assessors: list | None = None) -> PriorityRound:
    """A closed round where each assessor gave idea number i benefit i and effort 1 + i (capped at 5)."""
    assessors = assessors or [case.staff, case.lead]
    idea_list = [make_idea(title=f"Idee {i:02d}") for i in range(ideas)]
    priority_round = make_round(team=case.team, ideas=idea_list, assessors=assessors, state="scoring")
    for i, idea in enumerate(idea_list):
        for k, assessor in enumerate(assessors):
            score(priority_round, assessor, idea, Nutzen=1 + (i + k) % 5, Aufwand=1 + i % 5)
    round_close(priority_round=priority_round, prioritise=(), by=case.team)
    return priority_round


class EnglishTestCase(BaseTestCase):
    """These tests read the English texts, of pages and of services called directly."""

    def setUp(self) -> None:
        super().setUp()
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        self.enterContext(translation.override("en"))


class RankingPageTests(EnglishTestCase):
    def test_the_ranking_shows_contributions_spread_and_links_to_each_idea(self) -> None:
        priority_round = closed_round(self)
        self.login(self.council)
        response = self.client.get(reverse("prioritisation:ranking", args=[priority_round.pk]))
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        for candidate in priority_round.candidates.select_related("idea"):
            self.assertIn(candidate.idea.get_absolute_url(), content)
        self.assertEqual(content.count('class="contribution-bar"'), 3)
        self.assertIn('aria-label="Nutzen', content)  # the bar's text equivalent
        self.assertContains(response, "Disagreement")
        self.assertContains(response, "points and average score per criterion")
        self.assertNotContains(response, "Turn into a project")  # only for the strategy team

    def test_the_team_may_turn_a_ranked_idea_into_a_project_once_that_page_exists(self) -> None:
        priority_round = closed_round(self, ideas=1)
        self.login(self.team)
        response = self.client.get(reverse("prioritisation:ranking", args=[priority_round.pk]))
        try:
            decide = reverse("projects:decide")
        except NoReverseMatch:
            self.assertNotContains(response, "Turn into a project")
        else:
            idea = priority_round.candidates.get().idea_id
            self.assertContains(response, f"{decide}?idea={idea}")

    def test_what_if_returns_a_reranked_list_without_saving_anything(self) -> None:
        priority_round = closed_round(self)
        benefit, effort = priority_round.criteria.order_by("position")
        url = reverse("prioritisation:ranking", args=[priority_round.pk])
        self.login(self.staff)
        agreed = self.client.get(url).content.decode()
        self.assertLess(agreed.index("Idee 02"), agreed.index("Idee 00"))  # benefit weighs more
        params = {"whatif": "1", f"w{benefit.pk}": "0", f"w{effort.pk}": "50"}
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, params, headers={"HX-Request": "true"})
        partial = response.content.decode()
        self.assertNotIn("<html", partial)
        self.assertIn('id="ranking-status"', partial)
        self.assertIn('hx-swap-oob="true"', partial)
        self.assertIn("Ranking with your weights", partial)
        self.assertLess(partial.index("Idee 00"), partial.index("Idee 02"))  # little effort first now
        self.assertIn("places up", partial)
        writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
        self.assertEqual(writes, [])
        self.assertEqual(sorted(RoundCriterion.objects.values_list("weight", flat=True)), [40, 60])
        # Without JavaScript the same form is a plain GET that returns the whole page.
        page = self.client.get(url, params)
        self.assertContains(page, "<html")
        self.assertContains(page, "Re-ranked with your weights; nothing was saved.")

    def test_what_if_with_weights_of_zero_in_total_is_refused_with_a_message(self) -> None:
        priority_round = closed_round(self)
        url = reverse("prioritisation:ranking", args=[priority_round.pk])
        self.login(self.staff)
        zero = {"whatif": "1"} | {f"w{c.pk}": "0" for c in priority_round.criteria.all()}
        response = self.client.get(url, zero, headers={"HX-Request": "true"})
        self.assertContains(response, "add up to zero")
        self.assertContains(response, "Ranking with the agreed weights")
        negative = self.client.get(url, {"whatif": "1", f"w{priority_round.criteria.first().pk}": "-3"})
        self.assertContains(negative, "cannot be used")

    def test_the_matrix_is_svg_with_a_text_alternative(self) -> None:
        priority_round = closed_round(self, ideas=4)
        self.login(self.staff)
        response = self.client.get(reverse("prioritisation:matrix", args=[priority_round.pk]))
        content = response.content.decode()
        self.assertIn('<svg viewBox="0 0 440 440" role="img" aria-labelledby="matrix-title matrix-desc"', content)
        self.assertEqual(content.count('class="matrix-dot"'), 4)
        for heading in ("Quick wins", "Big bets", "Fill-ins", "Thankless tasks"):
            self.assertContains(response, heading)
        for candidate in priority_round.candidates.select_related("idea"):
            self.assertIn(candidate.idea.title, content)
        self.assertNotIn('cx="1,', content)  # coordinates are never written with a decimal comma

    def test_the_matrix_needs_an_impact_and_an_effort_criterion(self) -> None:
        from prioritisation.testing import make_criterion

        only = make_criterion(name="Dringlichkeit")
        priority_round = make_round(team=self.team, ideas=[make_idea()], assessors=[self.staff], criteria=[only])
        priority_round.state = PriorityRound.State.CLOSED
        priority_round.save()
        self.login(self.staff)
        response = self.client.get(reverse("prioritisation:matrix", args=[priority_round.pk]))
        self.assertContains(response, "needs at least one criterion")

    def test_pages_work_in_german_too(self) -> None:
        priority_round = closed_round(self, ideas=1)
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
        self.login(self.staff)
        for name in ("round_detail", "ranking", "matrix"):
            response = self.client.get(reverse(f"prioritisation:{name}", args=[priority_round.pk]))
            self.assertContains(response, '<html lang="de"')
        response = self.client.get(reverse("prioritisation:ranking", args=[priority_round.pk]))
        self.assertNotContains(response, 'x="0,')  # SVG coordinates stay unlocalised


class QueryCountTests(EnglishTestCase):
    def count(self, url: str, **headers) -> int:
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url, headers=headers).status_code, 200)
        return len(queries)

    def test_pages_need_the_same_queries_for_3_or_15_candidates(self) -> None:
        small = closed_round(self, ideas=3)
        extra = [make_user(role=Role.STAFF) for _ in range(2)]
        large = closed_round(self, ideas=15, assessors=[self.staff, self.lead, *extra])
        self.login(self.team)
        for name in ("ranking", "matrix", "round_detail"):
            counts = [self.count(reverse(f"prioritisation:{name}", args=[r.pk])) for r in (small, large)]
            self.assertEqual(counts[0], counts[1], name)
        what_if = [
            self.count(reverse("prioritisation:ranking", args=[r.pk]) + "?whatif=1", HX_Request="true")
            for r in (small, large)
        ]
        self.assertEqual(what_if[0], what_if[1])
        self.assertEqual(self.count(reverse("prioritisation:rounds")), self.count(reverse("prioritisation:rounds")))

    def test_the_scoring_pages_do_not_grow_either(self) -> None:
        counts = []
        for ideas in (3, 15):
            idea_list = [make_idea() for _ in range(ideas)]
            priority_round = make_round(team=self.team, ideas=idea_list, assessors=[self.staff], state="scoring")
            for idea in idea_list:
                score(priority_round, self.staff, idea, Nutzen=3)
            self.login(self.staff)
            candidate = priority_round.candidates.first()
            counts.append(
                (
                    self.count(reverse("prioritisation:scoring", args=[priority_round.pk])),
                    self.count(reverse("prioritisation:score_candidate", args=[candidate.pk])),
                )
            )
        self.assertEqual(counts[0], counts[1])


class VisibilityTests(EnglishTestCase):
    def test_who_sees_what(self) -> None:
        draft = make_round(team=self.team, title="Entwurf")
        scoring = make_round(team=self.team, ideas=[make_idea()], assessors=[self.staff], state="scoring")
        closed = closed_round(self, ideas=1)
        self.assertTrue(can_see_round(self.team, draft))
        self.assertFalse(can_see_round(self.staff, draft))
        self.assertTrue(can_see_round(self.staff, scoring))  # an assessor
        self.assertFalse(can_see_round(self.lead, scoring))
        self.assertFalse(can_see_ranking(self.staff, scoring))  # assessors score independently
        self.assertTrue(can_see_ranking(self.team, scoring))
        self.assertTrue(can_see_ranking(self.council, closed))
        self.assertFalse(can_see_round(self.citizen, closed))
        self.assertTrue(can_score(self.staff, scoring))
        self.assertFalse(can_score(self.staff, closed))
        self.assertEqual(set(visible_rounds(self.staff)), {scoring, closed})
        self.assertEqual(set(visible_rounds(self.council)), {closed})
        self.assertEqual(set(visible_rounds(self.citizen)), set())
        self.assertEqual(set(visible_rounds(self.admin)), {draft, scoring, closed})

    def test_the_list_shows_each_person_their_rounds(self) -> None:
        make_round(team=self.team, title="Geheimer Entwurf")
        make_round(team=self.team, title="Laufende Runde", ideas=[make_idea()], assessors=[self.staff], state="scoring")
        self.login(self.staff)
        response = self.client.get(reverse("prioritisation:rounds"))
        self.assertNotContains(response, "Geheimer Entwurf")
        self.assertContains(response, "Laufende Runde")
        self.assertContains(response, "You are an assessor")
        self.login(self.lead)
        self.assertNotContains(self.client.get(reverse("prioritisation:rounds")), "Laufende Runde")
        self.login(self.citizen)
        self.assertEqual(self.client.get(reverse("prioritisation:rounds")).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("prioritisation:rounds")).status_code, 302)

    def test_an_assessor_does_not_see_the_interim_ranking(self) -> None:
        scoring = make_round(team=self.team, ideas=[make_idea()], assessors=[self.staff], state="scoring")
        self.login(self.staff)
        self.assertEqual(self.client.get(reverse("prioritisation:ranking", args=[scoring.pk])).status_code, 404)
        detail = self.client.get(scoring.get_absolute_url())
        self.assertContains(detail, reverse("prioritisation:scoring", args=[scoring.pk]))
        self.assertNotContains(detail, reverse("prioritisation:ranking", args=[scoring.pk]))
        self.login(self.team)
        response = self.client.get(reverse("prioritisation:ranking", args=[scoring.pk]))
        self.assertContains(response, "Interim ranking")

    def test_a_draft_has_no_ranking_yet(self) -> None:
        draft = make_round(team=self.team, ideas=[make_idea()])
        self.login(self.team)
        response = self.client.get(reverse("prioritisation:ranking", args=[draft.pk]))
        self.assertRedirects(response, draft.get_absolute_url())
