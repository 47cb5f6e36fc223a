"""The page frame: header menu, the grouped work areas, the error pages and the favicon."""

import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from core.errors import server_error
from installation.testing import BaseTestCase


class HeaderTests(BaseTestCase):
    def test_it_puts_navigation_search_and_account_into_one_disclosure_menu(self) -> None:
        content = self.client.get(reverse("strategy:detail")).content.decode()
        menu = content[content.index('<details class="site-menu"') : content.index("</details>")]
        self.assertIn('<summary class="site-menu__toggle">', menu)
        self.assertIn("Menü", menu)
        self.assertIn('aria-label="Hauptnavigation"', menu)
        self.assertIn('role="search"', menu)
        self.assertIn(reverse("accounts:login"), menu)

    def test_the_search_box_has_a_visible_label(self) -> None:
        content = self.client.get("/").content.decode()
        label = re.search(r'<label class="([^"]*)" for="site-search-q">([^<]+)</label>', content)
        self.assertIsNotNone(label)
        self.assertNotIn("sr-only", label.group(1))
        self.assertEqual(label.group(2), "Suche")

    def test_no_page_of_the_frame_carries_inline_script(self) -> None:
        self.login(self.admin)
        content = self.client.get("/").content.decode()
        scripts = re.findall(r"<script([^>]*)>", content)
        self.assertTrue(scripts)
        for attributes in scripts:
            self.assertIn(' src="/static/', attributes)
        self.assertNotIn(" onclick=", content)

    def test_it_links_a_favicon_that_is_served_locally(self) -> None:
        content = self.client.get("/").content.decode()
        self.assertIn('<link rel="icon" href="/static/core/favicon.svg" type="image/svg+xml">', content)
        self.assertIsNotNone(finders.find("core/favicon.svg"))
        self.assertIsNotNone(finders.find("core/favicon.ico"))
        response = self.client.get("/favicon.ico")
        self.assertRedirects(response, "/static/core/favicon.ico", fetch_redirect_response=False)


class WorkAreaTests(BaseTestCase):
    def groups(self, path: str = "/") -> dict[str, list[str]]:
        content = self.client.get(path).content.decode()
        if 'class="site-worknav"' not in content:
            return {}
        nav = content[content.index('class="site-worknav"') :]
        nav = nav[: nav.index("</nav>")]
        groups = {}
        for summary, links in re.findall(r"<summary[^>]*>([^<]+)</summary>(.*?)</details>", nav, re.S):
            groups[summary] = re.findall(r"<a [^>]*>([^<]+)</a>", links)
        return groups

    def test_the_strategy_team_sees_four_groups_instead_of_a_long_row(self) -> None:
        self.login(self.team)
        groups = self.groups()
        self.assertEqual(list(groups), ["Planen", "Umsetzen", "Beteiligen", "Verwalten"])
        self.assertEqual(groups["Planen"], ["Priorisierung", "Digitalgrad", "Leistungsinventar"])
        self.assertEqual(groups["Beteiligen"], ["Stakeholder", "Workshops"])
        self.assertIn("Änderungsprotokoll", groups["Verwalten"])
        self.assertNotIn("Einstellungen", groups["Verwalten"])
        self.assertTrue(all(len(links) <= 4 for links in groups.values()))

    def test_what_each_role_sees(self) -> None:
        self.login(self.admin)
        self.assertEqual(
            self.groups()["Verwalten"],
            [
                "Organisation",
                "Änderungsprotokoll",
                "Personen",
                "Single Sign-on",
                "Einstellungen",
                "Technische Verwaltung",
            ],
        )
        self.login(self.staff)
        self.assertEqual(self.groups()["Verwalten"], ["Organisation"])
        for outsider in (None, self.citizen):
            self.login(outsider)
            self.assertEqual(self.groups(), {})

    def test_the_group_of_the_current_page_is_marked(self) -> None:
        self.login(self.team)
        content = self.client.get(reverse("participation:workshops")).content.decode()
        self.assertIn('<summary aria-current="true">Beteiligen</summary>', content)
        self.assertIn(f'<a href="{reverse("participation:workshops")}" aria-current="page">Workshops</a>', content)
        self.assertEqual(content.count('aria-current="true"'), 1)

    def test_groups_open_one_at_a_time_without_javascript(self) -> None:
        self.login(self.team)
        content = self.client.get("/").content.decode()
        self.assertEqual(content.count('<details class="worknav-group" name="worknav">'), 4)


class ErrorPageTests(BaseTestCase):
    def test_an_unknown_address_gets_a_german_page_in_the_frame(self) -> None:
        response = self.client.get("/gibt-es-nicht/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Seite nicht gefunden", status_code=404)
        self.assertContains(response, "Fehler 404", status_code=404)
        self.assertContains(response, 'href="/strategy/"', status_code=404)
        self.assertContains(response, 'class="site-menu"', status_code=404)
        self.assertTemplateUsed(response, "core/error.html")

    def test_the_404_page_speaks_english_too(self) -> None:
        response = self.client.get("/gibt-es-nicht/", headers={"accept-language": "en"})
        self.assertContains(response, "Page not found", status_code=404)
        self.assertContains(response, "Error 404", status_code=404)

    def test_a_page_the_account_may_not_open(self) -> None:
        self.login(self.staff)
        response = self.client.get(reverse("core:audit_log"))
        self.assertContains(response, "Kein Zugriff auf diese Seite", status_code=403)
        self.assertContains(response, "wenden Sie sich bitte an das Strategieteam", status_code=403)
        # the work area of a page the account may not open is not marked as the current one
        self.assertNotContains(response, 'aria-current="true"', status_code=403)

    def test_the_500_page_needs_no_database(self) -> None:
        request = RequestFactory().get("/")
        with self.assertNumQueries(0):
            response = server_error(request)
        self.assertEqual(response.status_code, 500)
        content = response.content.decode()
        self.assertIn("Bei uns ist etwas schiefgegangen", content)
        self.assertIn("Der Fehler liegt bei uns, nicht bei Ihnen.", content)
        self.assertIn("/static/core/etappe.css", content)
        # no form that would need the CSRF token the page cannot have
        self.assertNotIn('<form class="language-form"', content)

    @override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
    def test_a_crashing_view_shows_the_500_page(self) -> None:
        client = Client(raise_request_exception=False)
        with self.settings(ROOT_URLCONF="core.tests.crashing_urls"):
            response = client.get("/crash/")
        self.assertContains(response, "Bei uns ist etwas schiefgegangen", status_code=500)

    def test_a_form_without_its_csrf_token_gets_a_german_page(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("accounts:login"), {"username": "a@example.org", "password": "x"})
        self.assertContains(response, "Das Formular ist abgelaufen", status_code=403)
        self.assertContains(response, "Gespeichert wurde nichts.", status_code=403)

    def test_static_files_are_served_without_debug_outside_production(self) -> None:
        # The demo runs with DEBUG off (./etappe demo): whitenoise then serves from the finders.
        self.assertFalse(settings.DEBUG)
        self.assertTrue(settings.WHITENOISE_USE_FINDERS)
