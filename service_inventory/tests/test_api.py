import json
from datetime import date

from auditlog.models import LogEntry as AuditEntry

from accounts.models import ApiToken
from installation.testing import BaseTestCase, make_idea, make_unit
from projects.models import Project
from service_inventory.models import LevelChange
from service_inventory.testing import make_local, make_ozg, make_service


class ServiceApiTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ozg = make_ozg(ozg_id=10173, themenfeld="Mobilität & Reisen", lebenslage="Kfz-Besitz")
        cls.parking = make_service(ozg=cls.ozg, name="Bewohnerparkausweis Erteilung", leika_key="99108001001000")
        cls.other = make_service(ozg=None, name="Fundsachen")
        cls.local = make_local(
            service=cls.parking, unit=cls.unit, level=1, online_url="https://example.org/park", cases_per_year=1400
        )
        LevelChange.objects.create(local=cls.local, level=1, changed_on=date(2022, 3, 1))

    def token(self, user) -> dict:
        return {"Authorization": f"Bearer {ApiToken.issue(user=user, name='test')[1]}"}

    def patch(self, service, user, payload: dict):
        return self.client.patch(
            f"/api/v1/services/{service.pk}",
            data=json.dumps(payload),
            content_type="application/json",
            headers=self.token(user),
        )

    def test_reads_need_a_staff_token(self) -> None:
        self.assertEqual(self.client.get("/api/v1/services").status_code, 401)
        self.assertEqual(self.client.get("/api/v1/services", headers=self.token(self.citizen)).status_code, 401)

    def test_list_with_catalogue_and_municipality_data_and_filters(self) -> None:
        headers = self.token(self.council)
        body = self.client.get("/api/v1/services", headers=headers).json()
        self.assertEqual(body["count"], 2)
        parking = next(item for item in body["items"] if item["name"] == "Bewohnerparkausweis Erteilung")
        self.assertEqual((parking["ozg_id"], parking["themenfeld"]), (10173, "Mobilität & Reisen"))
        self.assertEqual((parking["local"]["level"], parking["local"]["cases_per_year"]), (1, 1400))
        for query, names in {
            "provided=true": ["Bewohnerparkausweis Erteilung"],
            "provided=false": ["Fundsachen"],
            "level=1": ["Bewohnerparkausweis Erteilung"],
            "themenfeld=Umwelt": [],
            "q=fund": ["Fundsachen"],
            f"unit={self.unit.pk}": ["Bewohnerparkausweis Erteilung"],
            "ozg_id=10173": ["Bewohnerparkausweis Erteilung"],
        }.items():
            items = self.client.get(f"/api/v1/services?{query}", headers=headers).json()["items"]
            self.assertEqual([i["name"] for i in items], names, query)
        self.assertEqual(self.client.get("/api/v1/services?level=7", headers=headers).status_code, 422)

    def test_detail_with_history_and_backlog(self) -> None:
        idea = make_idea()
        self.local.ideas.add(idea)
        body = self.client.get(f"/api/v1/services/{self.parking.pk}", headers=self.token(self.staff)).json()
        self.assertEqual(body["level_history"], [{"level": 1, "changed_on": "2022-03-01"}])
        self.assertEqual(body["idea_ids"], [idea.pk])
        other = self.client.get(f"/api/v1/services/{self.other.pk}", headers=self.token(self.staff)).json()
        self.assertIsNone(other["local"])
        self.assertEqual(self.client.get("/api/v1/services/999999", headers=self.token(self.staff)).status_code, 404)

    def test_unit_staff_update_their_service_in_the_audit_trail(self) -> None:
        project = Project.objects.create(title="Digitales Parken")
        response = self.patch(
            self.parking,
            self.staff,
            {"level": 3, "level_since": "2025-02-03", "target_level": 4, "project_ids": [project.pk]},
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["local"]["level"], 3)
        self.assertEqual(body["local"]["cases_per_year"], 1400)  # fields not sent stay
        self.assertEqual(body["level_history"][-1], {"level": 3, "changed_on": "2025-02-03"})
        self.assertEqual(body["project_ids"], [project.pk])
        self.assertTrue(AuditEntry.objects.get_for_object(self.local).filter(actor=self.staff).exists())

    def test_the_team_marks_a_service_as_provided(self) -> None:
        response = self.patch(self.other, self.team, {"provided": True, "unit_id": self.unit.pk, "level": 0})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["local"]["unit_id"], self.unit.pk)

    def test_who_may_not_write_gets_403(self) -> None:
        self.assertEqual(self.patch(self.parking, self.council, {"level": 2}).status_code, 403)
        self.assertEqual(self.patch(self.other, self.staff, {"provided": True}).status_code, 403)
        other_unit = make_unit()
        self.assertEqual(self.patch(self.parking, self.staff, {"unit_id": other_unit.pk}).status_code, 403)
        self.local.refresh_from_db()
        self.assertEqual((self.local.level, self.local.unit), (1, self.unit))

    def test_bad_input_gets_422_and_changes_nothing(self) -> None:
        cases = [
            {"level": 5},
            {"level": 3, "target_level": 2},
            {"online_url": "nicht-eine-adresse"},
            {"cases_per_year": -1},
            {"level": 2, "level_since": "2020-01-01"},  # before the last change
            {"idea_ids": [987654]},
            {"pain_points": "a\x00b"},
        ]
        for payload in cases:
            self.assertEqual(self.patch(self.parking, self.team, payload).status_code, 422, payload)
        self.local.refresh_from_db()
        self.assertEqual((self.local.level, self.local.cases_per_year), (1, 1400))
        self.assertEqual(self.local.level_changes.count(), 1)
