"""Two factors required by role (the middleware), the administrator's reset and the people list."""

import io

from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, Role, User, second_factor_status
from installation.testing import PASSWORD, BaseTestCase, make_user
from twofactor.models import Passkey
from twofactor.services import recovery_codes_generate, role_requirements_save
from twofactor.tests.helpers import code_for, make_passkey, make_totp

OVERVIEW = reverse("twofactor:overview")


class RequiredByRoleTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # conftest.py switches the requirement off for everyone else's tests
        self.enterContext(override_settings(ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE=True))

    def test_the_password_login_of_a_role_that_requires_two_factors_leads_to_the_setup(self) -> None:
        response = self.client.post(reverse("accounts:login"), {"username": self.team.email, "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(OVERVIEW))
        page = self.client.get(OVERVIEW)
        self.assertContains(page, "Ihre Rolle verlangt eine Anmeldung mit zwei Faktoren.")
        self.assertContains(page, "ist nur diese Seite erreichbar")
        self.assertContains(page, "twofactor/held.css")  # the navigation, which would only bounce, is hidden

    def test_nothing_but_setup_logout_and_legal_pages_until_done(self) -> None:
        self.login(self.admin)  # also after a single sign-on: every login decides what the session owes
        response = self.client.get(reverse("ideas:list"))
        self.assertRedirects(response, OVERVIEW + "?next=%2Fideas%2F", fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("accounts:people")).status_code, 302)
        self.assertEqual(self.client.post(reverse("accounts:person_invite"), {}).status_code, 302)
        htmx = self.client.get(reverse("ideas:list"), headers={"HX-Request": "true"})
        self.assertEqual(htmx["HX-Redirect"], OVERVIEW)
        for name in ("twofactor:overview", "twofactor:totp", "core:imprint", "core:privacy", "core:accessibility"):
            self.assertEqual(self.client.get(reverse(name)).status_code, 200, name)
        # once the app is set up, the session may go everywhere
        self.client.post(reverse("twofactor:totp"), {"code": code_for(self.client.session["etappe_totp_setup_key"])})
        self.assertEqual(self.client.get(reverse("accounts:people")).status_code, 200)
        self.client.post(reverse("accounts:logout"))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_other_roles_are_not_held_up(self) -> None:
        self.login(self.staff)
        self.assertEqual(self.client.get(reverse("ideas:list")).status_code, 200)

    def test_the_administrator_decides_per_role(self) -> None:
        role_requirements_save(required={Role.STAFF})
        self.login(self.team)
        self.assertEqual(self.client.get(reverse("ideas:list")).status_code, 200)
        self.login(self.staff)
        self.assertEqual(self.client.get(reverse("ideas:list")).status_code, 302)

    def test_api_tokens_are_not_affected(self) -> None:
        _token, key = ApiToken.issue(user=self.admin, name="Skript")
        self.client.logout()
        response = self.client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"})
        self.assertEqual(response.status_code, 200)

    def test_a_session_from_before_two_factors_is_decided_on_its_next_request(self) -> None:
        self.login(self.admin)
        data = self.client.session
        del data["etappe_second_factor_need"]
        data.save()
        self.assertEqual(self.client.get(reverse("ideas:list")).status_code, 302)


class ResetTests(BaseTestCase):
    def test_an_administrator_resets_a_persons_second_factors_after_asking(self) -> None:
        make_totp(self.staff)
        make_passkey(self.staff)
        recovery_codes_generate(user=self.staff)
        self.login(self.admin)
        page = self.client.get(reverse("accounts:person_edit", kwargs={"pk": self.staff.pk}))
        self.assertContains(page, "Authenticator-App, Passkey")
        reset = reverse("twofactor:reset", kwargs={"pk": self.staff.pk})
        self.assertContains(page, reset)
        self.assertContains(self.client.get(reset), "Zweite Faktoren von Sam Staff zurücksetzen?")
        self.assertTrue(TOTPDevice.objects.filter(user=self.staff).exists())  # nothing happens by looking

        response = self.client.post(reset)
        self.assertRedirects(response, reverse("accounts:person_edit", kwargs={"pk": self.staff.pk}))
        self.assertFalse(TOTPDevice.objects.filter(user=self.staff).exists())
        self.assertFalse(Passkey.objects.filter(user=self.staff).exists())
        self.assertEqual(second_factor_status(self.staff), "nicht eingerichtet")
        entry = LogEntry.objects.filter(object_pk=str(self.staff.pk), changes__has_key="second_factor").get()
        self.assertEqual(entry.actor, self.admin)
        self.assertEqual(entry.changes_dict["second_factor"], ["Authenticator-App, Passkey", "nicht eingerichtet"])
        # the audit trail says it in words
        trail = self.client.get(reverse("core:audit_log")).content.decode()
        self.assertIn("<strong>Zweiter Faktor</strong>: Authenticator-App, Passkey → nicht eingerichtet", trail)
        # and the person logs in with the password alone
        self.client.logout()
        response = self.client.post(reverse("accounts:login"), {"username": self.staff.email, "password": PASSWORD})
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.staff.pk)

    def test_only_administrators_reset(self) -> None:
        make_totp(self.staff)
        reset = reverse("twofactor:reset", kwargs={"pk": self.staff.pk})
        for user in (self.team, self.council, self.citizen):
            self.login(user)
            self.assertEqual(self.client.post(reset).status_code, 403)
        self.assertTrue(TOTPDevice.objects.filter(user=self.staff).exists())

    def test_a_person_without_a_second_factor_has_nothing_to_reset(self) -> None:
        self.login(self.admin)
        reset = reverse("twofactor:reset", kwargs={"pk": self.staff.pk})
        page = self.client.get(reset)
        self.assertContains(page, "nichts zurückzusetzen")
        self.assertNotContains(page, "Ja, zurücksetzen")
        self.assertEqual(self.client.post(reset).status_code, 200)
        self.assertFalse(LogEntry.objects.filter(changes__has_key="second_factor").exists())

    def test_the_reset_page_says_what_the_person_must_do_next(self) -> None:
        make_totp(self.staff)
        make_totp(self.team)  # strategy team: two factors required
        self.login(self.admin)
        page = self.client.get(reverse("twofactor:reset", kwargs={"pk": self.staff.pk}))
        self.assertContains(page, "nur mit Passwort an")
        page = self.client.get(reverse("twofactor:reset", kwargs={"pk": self.team.pk}))
        self.assertContains(page, "muss bei der nächsten Anmeldung einen neuen zweiten Faktor einrichten")
        self.assertNotContains(page, "nur mit Passwort an")


class PeopleListTests(BaseTestCase):
    def test_the_list_says_which_second_factors_each_person_has(self) -> None:
        make_totp(self.staff)
        make_passkey(self.lead)
        make_totp(self.council)
        make_passkey(self.council)
        TOTPDevice.objects.create(user=self.citizen, name="unbestätigt", confirmed=False)  # not confirmed: no factor
        self.login(self.admin)
        rows = {person.email: status for person, status in self.client.get(reverse("accounts:people")).context["rows"]}
        self.assertEqual(rows[self.staff.email], "Authenticator-App")
        self.assertEqual(rows[self.lead.email], "Passkey")
        self.assertEqual(rows[self.council.email], "Authenticator-App, Passkey")
        self.assertEqual(rows[self.citizen.email], "nicht eingerichtet")

    def test_its_queries_do_not_grow_with_second_factors(self) -> None:
        self.login(self.admin)
        url = reverse("accounts:people")
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for number in range(20):
            user = make_user()
            if number % 2:
                make_totp(user)
            if number % 3:
                make_passkey(user)
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(url)
        self.assertEqual(len(response.context["rows"]), User.objects.count())
        self.assertEqual(len(few), len(many))


class ResetCommandTests(BaseTestCase):
    def test_the_command_resets_and_the_trail_names_the_system(self) -> None:
        make_totp(self.admin)
        call_command("twofactor_reset", "Admin@Example.org", stdout=io.StringIO())
        self.assertFalse(TOTPDevice.objects.filter(user=self.admin).exists())
        entry = LogEntry.objects.filter(object_pk=str(self.admin.pk), changes__has_key="second_factor").get()
        self.assertIsNone(entry.actor)
