from datetime import date

from django.urls import reverse

from ideas.models import Idea
from installation.testing import BaseTestCase, make_idea
from participation.models import Stakeholder, Workshop


def make_stakeholder(**overrides) -> Stakeholder:
    overrides.setdefault("name", "Werbegemeinschaft Innenstadt")
    return Stakeholder.objects.create(**overrides)


class StakeholderTests(BaseTestCase):
    def test_the_register_draws_the_influence_interest_grid(self) -> None:
        make_stakeholder(name="Seniorenbeirat", influence=4, interest=5, category="social")
        make_stakeholder(name="Sportverein", influence=2, interest=3, category="associations")
        self.login(self.staff)
        response = self.client.get(reverse("participation:stakeholders"))
        self.assertContains(response, "<svg", html=False)
        self.assertEqual(response.content.decode().count('class="grid-dot"'), 2)
        self.assertContains(response, "Seniorenbeirat")
        filtered = self.client.get(reverse("participation:stakeholders"), {"category": "social"})
        self.assertNotContains(filtered, "Sportverein")

    def test_a_person_needs_recorded_consent(self) -> None:
        self.login(self.team)
        data = {
            "name": "Frau M.",
            "kind": "person",
            "category": "citizens",
            "influence": 2,
            "interest": 5,
            "contact": "",
            "notes": "",
        }
        response = self.client.post(reverse("participation:stakeholder_create"), data)
        self.assertContains(response, "nur mit ihrer Einwilligung")
        self.assertFalse(Stakeholder.objects.filter(name="Frau M.").exists())
        response = self.client.post(reverse("participation:stakeholder_create"), {**data, "consent_on": "2024-05-02"})
        self.assertEqual(response.status_code, 302)

    def test_scores_outside_1_to_5_are_refused(self) -> None:
        self.login(self.team)
        response = self.client.post(
            reverse("participation:stakeholder_create"),
            {"name": "X", "kind": "group", "category": "other", "influence": 9, "interest": 0},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Stakeholder.objects.filter(name="X").exists())

    def test_citizens_do_not_see_the_register(self) -> None:
        self.login(self.citizen)
        self.assertEqual(self.client.get(reverse("participation:stakeholders")).status_code, 403)


class WorkshopTests(BaseTestCase):
    def test_an_outcome_becomes_an_idea_that_keeps_its_origin(self) -> None:
        group = make_stakeholder(name="Ortsteil Nord")
        workshop = Workshop.objects.create(
            title="Zukunftswerkstatt Nord", held_on=date(2024, 6, 1), outcomes="Mehr Online-Termine."
        )
        workshop.stakeholders.add(group)
        self.login(self.team)
        url = reverse("participation:workshop_idea", args=[workshop.pk])
        token = self.client.get(url).context["form"].initial["submission"]
        data = {"title": "Online-Termine im Bürgerbüro", "description": "Aus der Werkstatt.", "submission": token}
        response = self.client.post(url, data)
        idea = Idea.objects.get(title="Online-Termine im Bürgerbüro")
        self.assertRedirects(response, idea.get_absolute_url())
        self.assertRedirects(self.client.post(url, data), idea.get_absolute_url())  # a double click: one idea
        self.assertEqual(Idea.objects.filter(title="Online-Termine im Bürgerbüro").count(), 1)
        self.assertEqual(idea.source, Idea.Source.WORKSHOP)
        self.assertTrue(idea.is_public)
        self.assertIn(idea, workshop.ideas.all())
        self.assertIn(idea, group.ideas.all())
        self.login(self.staff)
        self.assertContains(self.client.get(workshop.get_absolute_url()), "Online-Termine im Bürgerbüro")

    def test_workshops_are_recorded_with_the_groups_present(self) -> None:
        group = make_stakeholder()
        self.login(self.team)
        response = self.client.post(
            reverse("participation:workshop_create"),
            {
                "title": "Werkstatt",
                "held_on": "2024-06-01",
                "place": "Rathaus",
                "participants": 25,
                "stakeholders": [group.pk],
                "outcomes": "Viel.",
            },
        )
        workshop = Workshop.objects.get(title="Werkstatt")
        self.assertRedirects(response, workshop.get_absolute_url())
        self.assertEqual(list(workshop.stakeholders.all()), [group])

    def test_only_the_team_records_workshops(self) -> None:
        workshop = Workshop.objects.create(title="W", held_on=date(2024, 6, 1))
        make_idea()
        for user in (self.staff, self.council):
            self.login(user)
            self.assertEqual(
                self.client.get(reverse("participation:workshop_idea", args=[workshop.pk])).status_code, 403
            )
            self.assertEqual(self.client.get(workshop.get_absolute_url()).status_code, 200)


class GridTests(BaseTestCase):
    def test_coordinates_are_not_localised(self) -> None:
        make_stakeholder(influence=5, interest=5)
        self.login(self.staff)
        response = self.client.get(reverse("participation:stakeholders"))
        self.assertRegex(response.content.decode(), r'<circle cx="[0-9.]+" cy="[0-9.]+"')
