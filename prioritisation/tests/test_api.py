from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from installation.testing import BaseTestCase, make_idea
from prioritisation.models import Score
from prioritisation.services import round_close
from prioritisation.testing import make_criterion, make_round, score


class PrioritisationApiTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        self.ideas = [make_idea(title="Alpha"), make_idea(title="Beta")]
        self.round = make_round(team=self.team, ideas=self.ideas, assessors=[self.staff, self.lead], state="scoring")
        self.benefit, self.effort = self.round.criteria.order_by("position")
        self.alpha, self.beta = self.round.candidates.order_by("idea__title")

    def auth(self, user) -> dict:
        _, key = ApiToken.issue(user=user, name="test")
        return {"Authorization": f"Bearer {key}"}

    def put_scores(self, user, items: list[dict]):
        return self.client.put(
            f"/api/v1/prioritisation/rounds/{self.round.pk}/scores",
            items,
            content_type="application/json",
            headers=self.auth(user),
        )

    def test_reads_need_a_staff_token(self) -> None:
        for url in ("/api/v1/prioritisation/criteria", "/api/v1/prioritisation/rounds"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 401)
            self.assertIn("message", response.json())
            self.assertEqual(self.client.get(url, headers=self.auth(self.citizen)).status_code, 401)
        make_criterion(name="Katalog")
        data = self.client.get("/api/v1/prioritisation/criteria", headers=self.auth(self.council)).json()
        self.assertIn("Katalog", [c["name"] for c in data])

    def test_round_detail_and_list_follow_the_permissions(self) -> None:
        data = self.client.get(f"/api/v1/prioritisation/rounds/{self.round.pk}", headers=self.auth(self.staff)).json()
        self.assertEqual(data["state"], "scoring")
        self.assertEqual([c["name"] for c in data["criteria"]], ["Nutzen", "Aufwand"])
        self.assertEqual([c["title"] for c in data["candidates"]], ["Alpha", "Beta"])
        self.assertEqual(sorted(data["assessor_ids"]), sorted([self.staff.pk, self.lead.pk]))
        # Someone who is neither assessor nor in the team does not see a round in scoring.
        response = self.client.get(f"/api/v1/prioritisation/rounds/{self.round.pk}", headers=self.auth(self.council))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"message": "Not found."})
        listed = self.client.get("/api/v1/prioritisation/rounds", headers=self.auth(self.council)).json()
        self.assertEqual(listed, [])

    def test_an_assessor_writes_and_reads_their_own_scores(self) -> None:
        response = self.put_scores(
            self.staff,
            [
                {"candidate_id": self.alpha.pk, "criterion_id": self.benefit.pk, "value": 5, "comment": "Dringend"},
                {"candidate_id": self.alpha.pk, "criterion_id": self.effort.pk, "value": 2},
            ],
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"changed": 2})
        # Token writes are in the audit trail with the token's owner as the actor.
        audited = LogEntry.objects.get_for_model(Score)
        self.assertEqual(set(audited.values_list("actor", flat=True)), {self.staff.pk})
        score(self.round, self.lead, self.ideas[0], Nutzen=1)
        url = f"/api/v1/prioritisation/rounds/{self.round.pk}/scores"
        own = self.client.get(url, headers=self.auth(self.staff)).json()
        self.assertEqual({(s["assessor_id"], s["value"]) for s in own}, {(self.staff.pk, 5), (self.staff.pk, 2)})
        self.assertEqual(len(self.client.get(url, headers=self.auth(self.team)).json()), 3)
        # The interim ranking is for the strategy team only.
        ranking = f"/api/v1/prioritisation/rounds/{self.round.pk}/ranking"
        self.assertEqual(self.client.get(ranking, headers=self.auth(self.staff)).status_code, 403)
        self.assertEqual(self.client.get(ranking, headers=self.auth(self.team)).status_code, 200)

    def test_scores_outside_the_scale_are_refused_and_nothing_is_saved(self) -> None:
        response = self.put_scores(
            self.staff,
            [
                {"candidate_id": self.alpha.pk, "criterion_id": self.effort.pk, "value": 2},
                {"candidate_id": self.beta.pk, "criterion_id": self.benefit.pk, "value": 9},
            ],
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("scored from 1 to 5", response.json()["message"])
        self.assertFalse(Score.objects.exists())
        response = self.put_scores(self.staff, [{"candidate_id": 999999, "criterion_id": self.effort.pk, "value": 2}])
        self.assertEqual(response.status_code, 422)
        self.assertIn("message", response.json())

    def test_only_assessors_write_and_only_while_scoring(self) -> None:
        item = [{"candidate_id": self.alpha.pk, "criterion_id": self.benefit.pk, "value": 3}]
        response = self.put_scores(self.team, item)
        self.assertEqual(response.status_code, 403)
        self.assertIn("message", response.json())
        round_close(priority_round=self.round, prioritise=(), by=self.team)
        response = self.put_scores(self.staff, item)
        self.assertEqual(response.status_code, 409)
        self.assertIn("only accepted while", response.json()["message"])
        self.assertFalse(Score.objects.exists())

    def test_the_ranking_of_a_closed_round_with_contributions(self) -> None:
        score(self.round, self.staff, self.ideas[0], Nutzen=5, Aufwand=1)
        score(self.round, self.lead, self.ideas[0], Nutzen=3, Aufwand=1)
        round_close(priority_round=self.round, prioritise=(), by=self.team)
        data = self.client.get(
            f"/api/v1/prioritisation/rounds/{self.round.pk}/ranking", headers=self.auth(self.council)
        ).json()
        first = data["candidates"][0]
        self.assertEqual(first["title"], "Alpha")
        self.assertAlmostEqual(sum(c["points"] for c in first["contributions"]), first["total"])
        self.assertAlmostEqual(first["total"], 60 * 0.75 + 40 * 1.0)
        self.assertAlmostEqual(first["spread"], 0.125)  # 0.25 on benefit, 0 on effort
        self.assertEqual(data["weights"], {str(self.benefit.pk): 60.0, str(self.effort.pk): 40.0})

    def test_the_ranking_queries_do_not_grow_with_candidates(self) -> None:
        counts = []
        for total in (2, 12):
            ideas = [make_idea() for _ in range(total)]
            priority_round = make_round(team=self.team, ideas=ideas, assessors=[self.staff], state="scoring")
            for idea in ideas:
                score(priority_round, self.staff, idea, Nutzen=4, Aufwand=2)
            headers = self.auth(self.team)
            with CaptureQueriesContext(connection) as queries:
                self.client.get(f"/api/v1/prioritisation/rounds/{priority_round.pk}/ranking", headers=headers)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
