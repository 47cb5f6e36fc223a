from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from installation.testing import BaseTestCase
from municipality.statement import feedback_contact


class AccessibilityStatementTests(BaseTestCase):
    def test_it_names_status_limits_method_and_the_schlichtungsstelle(self) -> None:
        response = self.client.get(reverse("core:accessibility"))
        self.assertContains(response, '<html lang="de"')
        self.assertContains(response, "BITV 2.0")
        self.assertContains(response, "PDF/UA")
        self.assertContains(response, "axe-core")
        self.assertContains(response, "Mauerstraße 53")
        self.assertContains(response, 'href="https://www.schlichtungsstelle-bgg.de/"')

    @override_settings(DEFAULT_FROM_EMAIL="Etappe Teststadt <barrierefrei@teststadt.de>")
    def test_feedback_goes_to_the_platforms_address_and_the_municipalitys_website(self) -> None:
        self.municipality.website = "https://www.teststadt.de/"
        self.municipality.save()
        response = self.client.get(reverse("core:accessibility"))
        self.assertContains(response, 'href="mailto:barrierefrei@teststadt.de"')
        self.assertContains(response, 'href="https://www.teststadt.de/"')

    def test_a_development_sender_address_is_not_offered_as_contact(self) -> None:
        for sender in ("etappe@localhost", "noreply@etappe.invalid", "Etappe <x@demo.example>"):
            with override_settings(DEFAULT_FROM_EMAIL=sender):
                self.assertEqual(feedback_contact(self.municipality), {"email": "", "website": ""}, sender)
                self.assertEqual(feedback_contact(None)["email"], "", sender)
        response = self.client.get(reverse("core:accessibility"))
        self.assertContains(response, "Teststadt")
        self.assertNotContains(response, "mailto:etappe@localhost")


class EasyLanguageTests(BaseTestCase):
    def test_german_shows_leichte_sprache_and_english_an_easy_to_read_version(self) -> None:
        response = self.client.get(reverse("core:easy_language"))
        self.assertContains(response, '<html lang="de"')
        self.assertContains(response, "Etappe in Leichter Sprache")
        self.assertContains(response, "Internet·seite")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get(reverse("core:easy_language"))
        self.assertContains(response, '<html lang="en"')
        self.assertContains(response, "Etappe: easy to read")
        self.assertNotContains(response, "Internet·seite")

    def test_every_page_links_both_statements_in_the_footer(self) -> None:
        for user in (None, self.citizen, self.team):
            self.login(user)
            response = self.client.get(reverse("ideas:list"))
            self.assertContains(response, f'href="{reverse("core:accessibility")}"')
            self.assertContains(response, f'href="{reverse("core:easy_language")}"')
