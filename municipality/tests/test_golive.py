import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from installation.testing import BaseTestCase, make_user
from municipality.golive import golive_checklist
from municipality.models import LegalPage

SMTP = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "mail.teststadt.de"}
HTTPS = {
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "ETAPPE_BASE_URL": "https://etappe.teststadt.de",
}


class GoLiveChecklistTests(BaseTestCase):
    def status(self) -> dict[str, bool]:
        return {item.key: item.done for item in golive_checklist()}

    def test_a_fresh_installation_misses_everything_but_the_real_municipality(self) -> None:
        self.assertEqual(
            self.status(),
            {
                "imprint": False,
                "privacy": False,
                "accessibility": False,
                "smtp": False,
                "https": False,
                "two_factors": False,  # the tests switch the requirement off (conftest.py)
                "backups": False,
                "demo": True,
            },
        )

    def test_legal_pages_are_done_once_saved_without_placeholders(self) -> None:
        LegalPage.objects.create(kind=LegalPage.Kind.IMPRINT, text="Stadt Teststadt, [[Anschrift]]")
        self.assertFalse(self.status()["imprint"])
        LegalPage.objects.filter(kind=LegalPage.Kind.IMPRINT).update(text="Stadt Teststadt, Markt 1")
        LegalPage.objects.create(kind=LegalPage.Kind.PRIVACY, text="Verantwortlich ist die Stadt Teststadt.")
        status = self.status()
        self.assertTrue(status["imprint"])
        self.assertTrue(status["privacy"])

    def test_the_accessibility_statement_needs_contact_and_date(self) -> None:
        self.municipality.contact_email = "barrierefrei@teststadt.de"
        self.municipality.save()
        self.assertFalse(self.status()["accessibility"])
        self.municipality.statement_prepared_on = datetime.date(2026, 9, 1)
        self.municipality.save()
        self.assertTrue(self.status()["accessibility"])

    def test_smtp_needs_a_host_and_a_delivering_backend(self) -> None:
        with self.settings(**SMTP):
            self.assertTrue(self.status()["smtp"])
        with self.settings(**{**SMTP, "EMAIL_HOST": ""}):
            self.assertFalse(self.status()["smtp"])
        for backend in ("core.mail.ConsoleBackend", "django.core.mail.backends.locmem.EmailBackend"):
            with self.subTest(backend=backend), self.settings(**{**SMTP, "EMAIL_BACKEND": backend}):
                self.assertFalse(self.status()["smtp"])

    def test_https_needs_all_three_settings_and_an_https_base_url(self) -> None:
        with self.settings(**HTTPS):
            self.assertTrue(self.status()["https"])
        for name, wrong in [
            *((name, False) for name in list(HTTPS)[:3]),
            ("ETAPPE_BASE_URL", "http://etappe.teststadt.de"),
        ]:
            with self.subTest(name=name), self.settings(**{**HTTPS, name: wrong}):
                self.assertFalse(self.status()["https"])

    def test_backups_are_confirmed_by_the_operator(self) -> None:
        with self.settings(ETAPPE_BACKUPS_CONFIRMED=True):
            self.assertTrue(self.status()["backups"])

    def test_demo_data_is_the_fictional_town_or_an_active_demo_account(self) -> None:
        self.municipality.is_fictional = True
        self.municipality.save()
        self.assertFalse(self.status()["demo"])
        self.municipality.is_fictional = False
        self.municipality.save()
        demo = make_user(email="admin@lindenfeld.example")
        self.assertFalse(self.status()["demo"])
        demo.is_active = False
        demo.save()
        self.assertTrue(self.status()["demo"])

    def test_without_a_municipality_the_statement_and_demo_items_are_missing(self) -> None:
        self.municipality.delete()
        status = self.status()
        self.assertFalse(status["accessibility"])
        self.assertFalse(status["demo"])

    def test_the_settings_page_shows_each_item_with_its_status_and_where_to_fix_it(self) -> None:
        self.login(self.admin)
        with self.settings(ETAPPE_BACKUPS_CONFIRMED=True):
            response = self.client.get(reverse("municipality:configure"))
        self.assertContains(response, "Bereit für den Start?")
        self.assertContains(response, "Impressum ausgefüllt")
        self.assertContains(response, "EMAIL_HOST")
        self.assertContains(response, f'href="{reverse("municipality:edit_imprint")}"')
        self.assertContains(response, f'href="{reverse("municipality:edit_privacy")}"')
        self.assertContains(response, ">erledigt<", count=2)  # backups and demo data
        self.assertContains(response, ">fehlt<", count=6)
        self.assertContains(response, gettext("%(done)s of %(total)s done") % {"done": 2, "total": 8})
        # Each link names where it leads; the demo item leads to the demo accounts.
        for item in golive_checklist():
            if item.url:
                self.assertContains(response, f'href="{item.url}">{item.link}</a>', html=False)
        self.assertContains(response, 'href="/accounts/people/?q=lindenfeld.example"')
        self.assertNotContains(response, "Go there")

    def test_the_demo_link_finds_the_demo_accounts_in_the_people_list(self) -> None:
        make_user(email="admin@lindenfeld.example", full_name="Demo Admin")
        make_user(email="echt@teststadt.de", full_name="Echte Person")
        demo = next(item for item in golive_checklist() if item.key == "demo")
        self.login(self.admin)
        response = self.client.get(demo.url)
        self.assertContains(response, "Demo Admin")
        self.assertNotContains(response, "Echte Person")

    def test_the_two_factor_item_says_what_to_do_without_a_double_negative(self) -> None:
        with self.settings(ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE=False):
            fix = str(next(item for item in golive_checklist() if item.key == "two_factors").fix)
        self.assertIn("ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE=0", fix)
        with self.settings(ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE=True):
            fix = str(next(item for item in golive_checklist() if item.key == "two_factors").fix)
        self.assertNotIn("ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE", fix)

    def test_the_fictional_town_is_not_called_fictional_twice(self) -> None:
        self.municipality.name = "Lindenfeld (fiktive Stadt)"
        self.municipality.is_fictional = True
        self.municipality.save()
        self.login(self.admin)
        response = self.client.get(reverse("municipality:configure"))
        self.assertContains(response, "Lindenfeld (fiktive Stadt)</dd>")

    def test_it_takes_the_same_queries_however_much_the_installation_holds(self) -> None:
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                golive_checklist()
            return len(captured)

        first = queries()
        for kind in LegalPage.Kind.values:
            LegalPage.objects.create(kind=kind, text="Fertig")
        for n in range(5):
            make_user(email=f"demo{n}@lindenfeld.example")
        self.assertEqual(queries(), first)
        self.assertLessEqual(first, 4)

    def test_two_factors_count_once_required_for_administrators(self) -> None:
        from twofactor.models import RoleRequirement

        with self.settings(ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE=True):
            self.assertTrue(self.status()["two_factors"])  # required by default
            RoleRequirement.objects.create(role="administrator", required=False)
            RoleRequirement.forget_cached()
            self.assertFalse(self.status()["two_factors"])
