from datetime import date

from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken, User
from installation.testing import BaseTestCase, make_idea
from participation.models import Stakeholder, Workshop


def make_stakeholder(**overrides) -> Stakeholder:
    overrides.setdefault("name", "Werbegemeinschaft Innenstadt")
    return Stakeholder.objects.create(**overrides)


PERSON = {
    "name": "Frau M.",
    "kind": "person",
    "category": "citizens",
    "influence": 2,
    "interest": 5,
    "contact": "m@example.org",
}


class ParticipationApiTestCase(BaseTestCase):
    def headers(self, user: User) -> dict[str, str]:
        _token, key = ApiToken.issue(user=user, name="test")
        return {"authorization": f"Bearer {key}"}


class StakeholderReadTests(ParticipationApiTestCase):
    def test_every_endpoint_needs_a_staff_token(self) -> None:
        stakeholder = make_stakeholder()
        workshop = Workshop.objects.create(title="Werkstatt", held_on=date(2024, 6, 1))
        citizen = self.headers(self.citizen)
        for method, url in [
            ("get", "/api/v1/stakeholders"),
            ("get", f"/api/v1/stakeholders/{stakeholder.pk}"),
            ("post", "/api/v1/stakeholders"),
            ("patch", f"/api/v1/stakeholders/{stakeholder.pk}"),
            ("delete", f"/api/v1/stakeholders/{stakeholder.pk}"),
            ("get", "/api/v1/workshops"),
            ("get", f"/api/v1/workshops/{workshop.pk}"),
        ]:
            for headers in ({}, citizen, {"authorization": "Bearer etp_wrong"}):
                response = getattr(self.client, method)(url, headers=headers, content_type="application/json")
                self.assertEqual(response.status_code, 401, (method, url, headers))
                self.assertIn("message", response.json())
        self.assertTrue(Stakeholder.objects.filter(pk=stakeholder.pk).exists())

    def test_internal_users_list_filter_search_and_page_the_register_with_contact(self) -> None:
        make_stakeholder(name="Seniorenbeirat", category="social", kind="group", contact="beirat@example.org")
        make_stakeholder(name="Sportverein", category="associations", kind="organisation")
        make_stakeholder(name="Herr K.", category="citizens", kind="person", consent_on=date(2024, 5, 2))
        for user in (self.staff, self.council, self.team):
            data = self.client.get("/api/v1/stakeholders", headers=self.headers(user)).json()
            self.assertEqual(data["count"], 3)
            self.assertEqual([s["name"] for s in data["items"]], ["Herr K.", "Seniorenbeirat", "Sportverein"])
        headers = self.headers(self.staff)
        items = self.client.get("/api/v1/stakeholders", {"category": "social"}, headers=headers).json()["items"]
        self.assertEqual([s["name"] for s in items], ["Seniorenbeirat"])
        self.assertEqual(items[0]["contact"], "beirat@example.org")
        items = self.client.get("/api/v1/stakeholders", {"kind": "person"}, headers=headers).json()["items"]
        self.assertEqual([(s["name"], s["consent_on"]) for s in items], [("Herr K.", "2024-05-02")])
        items = self.client.get("/api/v1/stakeholders", {"q": "VEREIN"}, headers=headers).json()["items"]
        self.assertEqual([s["name"] for s in items], ["Sportverein"])
        # A NUL in a filter is read as a space (config/api.py): no 500, and it matches nothing here.
        self.assertEqual(
            self.client.get("/api/v1/stakeholders", {"q": "Sport\x00verein"}, headers=headers).json()["count"], 0
        )
        page = self.client.get("/api/v1/stakeholders", {"limit": 2, "offset": 2}, headers=headers).json()
        self.assertEqual((page["count"], [s["name"] for s in page["items"]]), (3, ["Sportverein"]))
        response = self.client.get("/api/v1/stakeholders", {"category": "kaputt"}, headers=headers)
        self.assertEqual(response.status_code, 422)
        self.assertIn("message", response.json())

    def test_the_list_needs_the_same_number_of_queries_for_3_and_30_stakeholders(self) -> None:
        headers = self.headers(self.staff)
        self.client.get("/api/v1/stakeholders", headers=headers)  # the token's last use is recorded once

        def queries_for(rows: int) -> int:
            Stakeholder.objects.all().delete()
            for i in range(rows):
                stakeholder = make_stakeholder(name=f"Gruppe {i:02}", kind="group")
                stakeholder.ideas.add(make_idea())
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get("/api/v1/stakeholders", {"limit": 100}, headers=headers)
            self.assertEqual(response.json()["count"], rows)
            return len(queries)

        self.assertEqual(queries_for(3), queries_for(30))

    def test_a_stakeholder_comes_with_its_ideas_and_workshops(self) -> None:
        stakeholder = make_stakeholder()
        idea = make_idea()
        stakeholder.ideas.add(idea)
        workshop = Workshop.objects.create(title="Zukunftswerkstatt", held_on=date(2024, 6, 1))
        workshop.stakeholders.add(stakeholder)
        data = self.client.get(f"/api/v1/stakeholders/{stakeholder.pk}", headers=self.headers(self.council)).json()
        self.assertEqual((data["idea_ids"], data["workshop_ids"]), ([idea.pk], [workshop.pk]))
        response = self.client.get("/api/v1/stakeholders/999999", headers=self.headers(self.council))
        self.assertEqual(response.status_code, 404)
        self.assertIn("message", response.json())


class StakeholderWriteTests(ParticipationApiTestCase):
    def post(self, user: User, data: dict):
        return self.client.post(
            "/api/v1/stakeholders", data, headers=self.headers(user), content_type="application/json"
        )

    def test_only_the_strategy_team_writes(self) -> None:
        stakeholder = make_stakeholder()
        for user in (self.staff, self.lead, self.council):
            headers = self.headers(user)
            responses = [
                self.post(user, {"name": "Neu"}),
                self.client.patch(
                    f"/api/v1/stakeholders/{stakeholder.pk}",
                    {"name": "Anders"},
                    headers=headers,
                    content_type="application/json",
                ),
                self.client.delete(f"/api/v1/stakeholders/{stakeholder.pk}", headers=headers),
            ]
            for response in responses:
                self.assertEqual(response.status_code, 403, user)
                self.assertIn("message", response.json())
        stakeholder.refresh_from_db()
        self.assertEqual(stakeholder.name, "Werbegemeinschaft Innenstadt")
        self.assertFalse(Stakeholder.objects.filter(name="Neu").exists())
        self.assertEqual(self.post(self.admin, {"name": "Vom Admin"}).status_code, 201)

    def test_the_team_creates_a_stakeholder_and_the_audit_trail_names_them(self) -> None:
        response = self.post(self.team, {**PERSON, "consent_on": "2024-05-02", "notes": "Sprecherin Ortsteil Nord"})
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        stakeholder = Stakeholder.objects.get(pk=data["id"])
        self.assertEqual((stakeholder.kind, stakeholder.consent_on), ("person", date(2024, 5, 2)))
        self.assertEqual((data["contact"], data["idea_ids"], data["workshop_ids"]), ("m@example.org", [], []))
        entry = LogEntry.objects.get_for_object(stakeholder).get()
        self.assertEqual((entry.action, entry.actor), (LogEntry.Action.CREATE, self.team))

    def test_a_person_without_consent_is_refused_with_a_message(self) -> None:
        response = self.post(self.team, PERSON)
        self.assertEqual(response.status_code, 422)
        self.assertIn("consent_on", response.json()["message"])
        self.assertIn("Einwilligung", response.json()["message"])
        self.assertFalse(Stakeholder.objects.exists())

    def test_scores_outside_1_to_5_are_refused_with_a_message(self) -> None:
        for field, value in [("influence", 7), ("interest", 0)]:
            response = self.post(self.team, {"name": "Gruppe", "kind": "group", field: value})
            self.assertEqual(response.status_code, 422, field)
            self.assertIn(f"{field}:", response.json()["message"])
        response = self.post(self.team, {"name": "Gruppe", "kind": "Verein"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("message", response.json())
        self.assertFalse(Stakeholder.objects.exists())

    def test_patch_changes_only_the_fields_sent_and_keeps_the_rules(self) -> None:
        stakeholder = make_stakeholder(category="business", influence=4, interest=2, contact="info@example.org")
        headers = self.headers(self.team)
        url = f"/api/v1/stakeholders/{stakeholder.pk}"
        response = self.client.patch(url, {"interest": 5}, headers=headers, content_type="application/json")
        self.assertEqual(response.status_code, 200, response.content)
        stakeholder.refresh_from_db()
        self.assertEqual(
            (stakeholder.name, stakeholder.category, stakeholder.influence, stakeholder.interest, stakeholder.contact),
            ("Werbegemeinschaft Innenstadt", "business", 4, 5, "info@example.org"),
        )
        entry = LogEntry.objects.get_for_object(stakeholder).filter(action=LogEntry.Action.UPDATE).get()
        self.assertEqual(entry.actor, self.team)
        self.assertEqual(entry.changes_dict["interest"], ["2", "5"])

        for data in ({"kind": "person"}, {"influence": 7}, {"name": None}):
            response = self.client.patch(url, data, headers=headers, content_type="application/json")
            self.assertEqual(response.status_code, 422, data)
        stakeholder.refresh_from_db()
        self.assertEqual((stakeholder.kind, stakeholder.influence), ("organisation", 4))

        data = {"kind": "person", "consent_on": "2024-05-02"}
        response = self.client.patch(url, data, headers=headers, content_type="application/json")
        self.assertEqual((response.status_code, response.json()["kind"]), (200, "person"))
        response = self.client.patch(
            "/api/v1/stakeholders/999999", {}, headers=headers, content_type="application/json"
        )
        self.assertEqual(response.status_code, 404)

    def test_delete_removes_the_stakeholder_and_keeps_the_workshop(self) -> None:
        stakeholder = make_stakeholder()
        workshop = Workshop.objects.create(title="Werkstatt", held_on=date(2024, 6, 1))
        workshop.stakeholders.add(stakeholder)
        response = self.client.delete(f"/api/v1/stakeholders/{stakeholder.pk}", headers=self.headers(self.team))
        self.assertEqual(response.status_code, 204)
        self.assertFalse(Stakeholder.objects.filter(pk=stakeholder.pk).exists())
        self.assertEqual(list(workshop.stakeholders.all()), [])
        entry = LogEntry.objects.filter(action=LogEntry.Action.DELETE, object_pk=str(stakeholder.pk)).get()
        self.assertEqual(entry.actor, self.team)
        again = self.client.delete(f"/api/v1/stakeholders/{stakeholder.pk}", headers=self.headers(self.team))
        self.assertEqual(again.status_code, 404)


class WorkshopApiTests(ParticipationApiTestCase):
    def test_workshops_are_listed_newest_first_with_groups_and_ideas_in_the_detail(self) -> None:
        group = make_stakeholder(name="Ortsteil Nord")
        older = Workshop.objects.create(title="Auftakt", held_on=date(2024, 3, 1))
        newer = Workshop.objects.create(title="Zukunftswerkstatt", held_on=date(2024, 6, 1), participants=25)
        newer.stakeholders.add(group)
        idea = make_idea()
        newer.ideas.add(idea)
        headers = self.headers(self.staff)
        data = self.client.get("/api/v1/workshops", headers=headers).json()
        self.assertEqual((data["count"], [w["id"] for w in data["items"]]), (2, [newer.pk, older.pk]))
        self.assertEqual(
            self.client.get("/api/v1/workshops", {"limit": 1}, headers=headers).json()["items"][0]["id"], newer.pk
        )
        detail = self.client.get(f"/api/v1/workshops/{newer.pk}", headers=headers).json()
        self.assertEqual(
            (detail["held_on"], detail["participants"], detail["stakeholder_ids"], detail["idea_ids"]),
            ("2024-06-01", 25, [group.pk], [idea.pk]),
        )
        self.assertEqual(self.client.get("/api/v1/workshops/999999", headers=headers).status_code, 404)

    def test_the_workshop_list_needs_the_same_number_of_queries_for_3_and_30_workshops(self) -> None:
        headers = self.headers(self.staff)
        self.client.get("/api/v1/workshops", headers=headers)

        def queries_for(rows: int) -> int:
            Workshop.objects.all().delete()
            for i in range(rows):
                Workshop.objects.create(title=f"Werkstatt {i}", held_on=date(2024, 1, 1)).stakeholders.add(
                    make_stakeholder()
                )
            with CaptureQueriesContext(connection) as queries:
                self.client.get("/api/v1/workshops", {"limit": 100}, headers=headers)
            return len(queries)

        self.assertEqual(queries_for(3), queries_for(30))
