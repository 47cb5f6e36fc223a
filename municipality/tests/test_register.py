from io import StringIO

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase
from django.urls import reverse

from installation.testing import BaseTestCase
from municipality import register
from municipality.models import Municipality


class RegisterTests(SimpleTestCase):
    def test_it_holds_all_german_municipalities(self) -> None:
        self.assertEqual(len(register.entries()), 10981)

    def test_it_finds_by_ars_and_ags(self) -> None:
        by_ars = register.lookup("057660008008")
        self.assertEqual(by_ars.name, "Bad Salzuflen, Stadt")
        self.assertEqual(register.lookup("05766008"), by_ars)
        self.assertEqual(by_ars.state, "Nordrhein-Westfalen")

    def test_it_refuses_unknown_and_malformed_keys(self) -> None:
        for key in ("99999999", "12345", "abcdefgh", ""):
            with self.assertRaises(register.UnknownMunicipality):
                register.lookup(key)

    def test_search_ranks_names_that_start_with_the_query_first(self) -> None:
        results = register.search("bad salz")
        self.assertEqual(results[0].name, "Bad Salzuflen, Stadt")


class SetMunicipalityCommandTests(BaseTestCase):
    def test_it_sets_the_municipality_from_the_register(self) -> None:
        out = StringIO()
        call_command("set_municipality", "05766008", stdout=out)
        municipality = Municipality.objects.current()
        self.assertEqual(municipality.ars, "057660008008")
        self.assertEqual(municipality.population, register.lookup("05766008").population)
        self.assertFalse(municipality.is_fictional)
        self.assertIn("Bad Salzuflen", out.getvalue())

    def test_it_refuses_an_unknown_key_and_changes_nothing(self) -> None:
        with self.assertRaisesMessage(CommandError, "No German municipality has the key 99999999"):
            call_command("set_municipality", "99999999")
        self.assertEqual(Municipality.objects.current().name, "Teststadt")


class ConfigureViewTests(BaseTestCase):
    def test_only_administrators_configure_the_municipality(self) -> None:
        url = reverse("municipality:configure")
        for name, user in self.personas().items():
            self.login(user)
            expected = {"admin": 200, "anonymous": 302}.get(name, 403)
            self.assertEqual(self.client.get(url).status_code, expected, name)

    def test_it_searches_the_register_and_renders_only_results_for_htmx(self) -> None:
        self.login(self.admin)
        response = self.client.get(reverse("municipality:configure"), {"q": "Bad Salz"}, headers={"hx-request": "true"})
        self.assertContains(response, "057660008008")
        self.assertNotContains(response, "<html")
        full = self.client.get(reverse("municipality:configure"), {"q": "Bad Salz"})
        self.assertContains(full, "<html")
        self.assertContains(full, "057660008008")

    def test_choosing_a_municipality_copies_the_register_facts(self) -> None:
        self.login(self.admin)
        response = self.client.post(reverse("municipality:configure"), {"key": "057660008008", "website": ""})
        self.assertRedirects(response, reverse("municipality:configure"))
        self.assertEqual(Municipality.objects.current().name, "Bad Salzuflen, Stadt")
        self.assertEqual(Municipality.objects.count(), 1)

    def test_an_unknown_key_is_refused_with_a_clear_message(self) -> None:
        self.login(self.admin)
        response = self.client.post(reverse("municipality:configure"), {"key": "12345678"})
        self.assertContains(response, "ist nicht im Verzeichnis der deutschen Gemeinden")
        self.assertEqual(Municipality.objects.current().name, "Teststadt")


class MunicipalityApiTests(BaseTestCase):
    def test_it_returns_the_municipality(self) -> None:
        data = self.client.get("/api/v1/municipality").json()
        self.assertEqual(data["name"], "Teststadt")
        self.assertEqual(data["population"], 50000)

    def test_it_answers_404_json_when_none_is_configured(self) -> None:
        Municipality.objects.all().delete()
        response = self.client.get("/api/v1/municipality")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"message": "No municipality has been configured for this installation."})
