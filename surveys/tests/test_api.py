from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from installation.testing import BaseTestCase, make_survey
from participation.models import Stakeholder
from surveys.models import Survey
from surveys.services import GivenAnswer, respondent_key, submit_response


class SurveyApiTests(BaseTestCase):
    def test_lists_only_published_surveys_anyone_may_answer(self) -> None:
        public = make_survey(title="Offen")
        make_survey(title="Entwurf", is_published=False)
        make_survey(title="Nur mit Einladung", audience=Survey.Audience.INVITATION)
        public.stakeholders.add(Stakeholder.objects.create(name="Seniorenbeirat"))
        data = self.client.get("/api/v1/surveys").json()
        self.assertEqual([s["title"] for s in data["items"]], ["Offen"])
        self.assertEqual(data["items"][0]["phase"], "open")
        self.assertEqual(len(data["items"][0]["stakeholder_ids"]), 1)

    def test_detail_has_questions_with_choices(self) -> None:
        survey = make_survey()
        data = self.client.get(f"/api/v1/surveys/{survey.pk}").json()
        self.assertEqual([q["kind"] for q in data["questions"]], ["single", "multiple", "scale", "text"])
        self.assertEqual([c["label"] for c in data["questions"][0]["choices"]], ["selten", "oft"])
        draft = make_survey(is_published=False)
        response = self.client.get(f"/api/v1/surveys/{draft.pk}")
        self.assertEqual(response.status_code, 404)
        self.assertIn("message", response.json())

    def test_results_need_a_staff_token(self) -> None:
        survey = make_survey()
        single = survey.questions.get(kind="single")
        submit_response(
            survey=survey,
            key=respondent_key(survey, browser="a"),
            answers=[GivenAnswer(single, [single.choices.last()])],
        )
        url = f"/api/v1/surveys/{survey.pk}/results"
        self.assertEqual(self.client.get(url).status_code, 401)
        _, key = ApiToken.issue(user=self.staff, name="test")
        data = self.client.get(url, headers={"Authorization": f"Bearer {key}"}).json()
        self.assertEqual(data["responses"], 1)
        self.assertEqual(
            data["questions"][0]["counts"],
            [
                {"label": "selten", "count": 0, "percent": 0.0},
                {"label": "oft", "count": 1, "percent": 100.0},
            ],
        )

    def test_list_queries_do_not_grow_with_rows(self) -> None:
        counts = []
        for total in (2, 20):
            Survey.objects.all().delete()
            for _ in range(total):
                make_survey(with_questions=False)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get("/api/v1/surveys?limit=50").status_code, 200)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
