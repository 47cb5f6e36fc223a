from django.core.exceptions import ValidationError
from django.urls import reverse

from installation.testing import BaseTestCase, make_unit


class OrganisationTests(BaseTestCase):
    def test_units_form_a_tree_on_the_organisation_page(self) -> None:
        child = make_unit(name="Standesamt", parent=self.unit)
        self.login(self.council)
        response = self.client.get(reverse("accounts:organisation"))
        self.assertContains(response, "Bürgerbüro")
        self.assertContains(response, child.name)
        self.assertContains(response, "Lena Lead")

    def test_a_unit_cannot_be_its_own_ancestor(self) -> None:
        child = make_unit(name="Team", parent=self.unit)
        self.unit.parent = child
        with self.assertRaises(ValidationError):
            self.unit.full_clean()

    def test_citizens_and_visitors_do_not_see_the_organisation(self) -> None:
        self.login(self.citizen)
        self.assertEqual(self.client.get(reverse("accounts:organisation")).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("accounts:organisation")).status_code, 302)

    def test_profile_shows_units_and_saves_the_name(self) -> None:
        self.login(self.lead)
        response = self.client.get(reverse("accounts:profile"))
        self.assertContains(response, "Bürgerbüro")
        self.client.post(reverse("accounts:profile"), {"full_name": "Lena Leitung"})
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.full_name, "Lena Leitung")
