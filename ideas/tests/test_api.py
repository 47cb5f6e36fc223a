from accounts.models import ApiToken
from ideas.models import Idea, Moderation, Support
from installation.testing import BaseTestCase, make_comment, make_idea


class IdeaApiTests(BaseTestCase):
    def test_it_lists_only_published_ideas_with_filters_and_pagination(self) -> None:
        make_idea(title="Öffentlich", status=Idea.Status.IN_POOL)
        make_idea(title="Wartet", moderation=Moderation.PENDING)
        data = self.client.get("/api/v1/ideas").json()
        self.assertEqual([i["title"] for i in data["items"]], ["Öffentlich"])
        self.assertEqual(data["count"], 1)
        self.assertEqual(self.client.get("/api/v1/ideas", {"status": "declined"}).json()["count"], 0)
        self.assertEqual(self.client.get("/api/v1/ideas", {"status": "kaputt"}).status_code, 422)

    def test_it_returns_an_idea_with_its_status_history_and_comments(self) -> None:
        idea = make_idea(title="Mit Verlauf")
        idea.status_changes.create(to_status="submitted", reason="Eingereicht.")
        make_comment(idea=idea, text="Sichtbar")
        make_comment(idea=idea, text="Versteckt", moderation=Moderation.HIDDEN)
        data = self.client.get(f"/api/v1/ideas/{idea.pk}").json()
        self.assertEqual(data["status_changes"][0]["to_status"], "submitted")
        comments = self.client.get(f"/api/v1/ideas/{idea.pk}/comments").json()["items"]
        self.assertEqual([c["text"] for c in comments], ["Sichtbar"])

    def test_unpublished_ideas_answer_404_json(self) -> None:
        idea = make_idea(moderation=Moderation.HIDDEN)
        response = self.client.get(f"/api/v1/ideas/{idea.pk}")
        self.assertEqual(response.status_code, 404)
        self.assertIn("message", response.json())

    def test_similar_returns_id_title_and_score_best_first(self) -> None:
        make_idea(title="Anwohnerparkausweis online beantragen", description="Parkausweis digital statt im Bürgerbüro.")
        make_idea(title="Mehr Bänke im Stadtpark", description="Sitzgelegenheiten für ältere Menschen.")
        results = self.client.get(
            "/api/v1/ideas/similar", {"text": "Parkausweis für Anwohner online", "limit": 2}
        ).json()
        self.assertEqual(results[0]["title"], "Anwohnerparkausweis online beantragen")
        self.assertEqual(set(results[0]), {"id", "title", "score", "status"})
        scores = [r["score"] for r in results]
        self.assertEqual(scores, sorted(scores, reverse=True))

    def test_similar_refuses_bad_limits_with_json(self) -> None:
        for params in ({"text": "x", "limit": 0}, {"text": "x", "limit": 500}, {}):
            response = self.client.get("/api/v1/ideas/similar", params)
            self.assertEqual(response.status_code, 422, params)
            self.assertIn("message", response.json())

    def test_support_with_a_token_is_idempotent(self) -> None:
        idea = make_idea()
        _token, key = ApiToken.issue(user=self.staff, name="t")
        headers = {"authorization": f"Bearer {key}"}
        first = self.client.post(f"/api/v1/ideas/{idea.pk}/support", headers=headers).json()
        second = self.client.post(f"/api/v1/ideas/{idea.pk}/support", headers=headers).json()
        self.assertEqual((first["created"], first["support_count"]), (True, 1))
        self.assertEqual((second["created"], second["support_count"]), (False, 1))
        self.assertEqual(self.client.post(f"/api/v1/ideas/{idea.pk}/support").status_code, 401)
        merged = make_idea(status=Idea.Status.MERGED, merged_into=idea)
        pending = make_idea(moderation=Moderation.PENDING)
        for other in (merged, pending):
            response = self.client.post(f"/api/v1/ideas/{other.pk}/support", headers=headers)
            self.assertEqual(response.status_code, 404)
            self.assertIn("message", response.json())
        self.assertEqual(Support.objects.filter(idea__in=[merged, pending]).count(), 0)
