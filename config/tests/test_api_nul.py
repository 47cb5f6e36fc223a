"""A NUL character anywhere in an API request is a 4xx with a message, never a 500 (issue 14, finding 16).

PostgreSQL cannot store U+0000 and psycopg raises ValueError for a query holding one; SQLite
stored it silently. config.api refuses it once for every operation's validated input; reading
operations take it as a space. Runs on both databases (the 500 showed on PostgreSQL).
"""

import json

from django.core import mail

from accounts.models import ApiToken, Role
from ideas.models import Idea
from installation.testing import BaseTestCase, make_user
from learning.testing import make_registration, make_session, make_unit
from participation.models import Stakeholder
from reports.models import CouncilReport

NUL = "\x00"


class NulCharacterTests(BaseTestCase):
    def bearer(self, user) -> dict:
        _, raw = ApiToken.issue(user=user, name="nul")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def send(self, method: str, url: str, payload, user) -> object:
        call = getattr(self.client, method)
        return call(url, json.dumps(payload), content_type="application/json", **self.bearer(user))

    def assert_refused(self, response) -> None:
        self.assertEqual(response.status_code, 422, response.content)
        body = response.json()
        self.assertIn("NUL", body["message"])
        self.assertTrue(all(error["type"] == "nul_character" for error in body["errors"]))

    def test_a_report_title_with_nul_is_refused_and_nothing_is_written(self) -> None:
        payload = {"title": f"Bericht{NUL}2025", "period_start": "2025-01-01", "period_end": "2025-12-31"}
        response = self.send("post", "/api/v1/reports", payload, self.team)
        self.assert_refused(response)
        self.assertEqual(response.json()["errors"][0]["loc"], ["payload", "title"])
        self.assertFalse(CouncilReport.objects.exists())

    def test_a_stakeholder_with_nul_in_any_field_is_refused(self) -> None:
        for field in ("name", "contact", "notes"):
            payload = {"name": "Verein Lindenfeld", field: f"a{NUL}b"}
            self.assert_refused(self.send("post", "/api/v1/stakeholders", payload, self.team))
        patch = self.send("patch", "/api/v1/stakeholders/1", {"name": NUL}, self.team)
        self.assertIn(patch.status_code, (404, 422))
        self.assertFalse(Stakeholder.objects.exists())

    def test_feedback_with_nul_is_refused_before_the_service(self) -> None:
        session = make_session(unit=make_unit(), days=-1)
        make_registration(session=session, user=self.staff, attended=True)
        response = self.send(
            "put", f"/api/v1/learning/sessions/{session.pk}/feedback", {"rating": 4, "text": NUL}, self.staff
        )
        self.assert_refused(response)

    def test_reading_operations_take_nul_as_a_space(self) -> None:
        response = self.client.get(
            "/api/v1/learning/units", {"topic": f"Zusammen{NUL}arbeit"}, **self.bearer(self.staff)
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(self.client.get("/api/v1/ideas/similar", {"text": f"Park{NUL}ausweis"}).status_code, 200)

    def test_the_idea_form_refuses_nul_too(self) -> None:
        for field in ("title", "description", "author_name"):
            data = {
                "title": "Parkausweis online",
                "description": "Ohne Termin.",
                "author_email": "a@example.org",
                "consent": "on",
                field: f"Park{NUL}ausweis",
            }
            response = self.client.post("/ideas/new/", data)
            self.assertEqual(response.status_code, 200, field)
            self.assertTrue(response.context["form"].errors.get(field), field)
        self.assertFalse(Idea.objects.exists())
        self.assertEqual(mail.outbox, [])


class NulWithoutTokenTests(BaseTestCase):
    def test_a_citizen_token_still_gets_its_403_or_422_not_500(self) -> None:
        citizen = make_user(role=Role.CITIZEN)
        _, raw = ApiToken.issue(user=citizen, name="c")
        response = self.client.post(
            "/api/v1/reports",
            json.dumps({"title": NUL, "period_start": "2025-01-01", "period_end": "2025-12-31"}),
            content_type="application/json",
            headers={"authorization": f"Bearer {raw}"},
        )
        self.assertIn(response.status_code, (401, 403, 422))


class StrictJsonBodyTests(BaseTestCase):
    """Request bodies follow the exchange's JSON rules: no NaN/Infinity, no huge numbers, bounded depth."""

    def test_odd_json_is_refused_with_400_and_nothing_is_written(self) -> None:
        _, raw = ApiToken.issue(user=self.team, name="json")
        bodies = [
            '{"title": "Bericht", "period_start": "2025-01-01", "period_end": "2025-12-31", "x": NaN}',
            '{"title": "Bericht", "period_start": "2025-01-01", "period_end": "2025-12-31", "x": 1e999}',
            '{"title": "Bericht", "period_start": "2025-01-01", "period_end": "2025-12-31", "x": '
            + "[" * 200_000
            + "]" * 200_000
            + "}",
        ]
        for body in bodies:
            response = self.client.post(
                "/api/v1/reports", body, content_type="application/json", headers={"authorization": f"Bearer {raw}"}
            )
            self.assertEqual(response.status_code, 400, body[:90])
            self.assertIn("message", response.json())
        self.assertFalse(CouncilReport.objects.exists())
