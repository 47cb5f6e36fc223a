"""Setting up and removing second factors on the profile's "Zwei-Faktor-Anmeldung" page."""

import json

from auditlog.models import LogEntry
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from installation.testing import PASSWORD, BaseTestCase
from twofactor import session
from twofactor.models import Passkey, RoleRequirement
from twofactor.services import recovery_codes_generate, role_requirements_save
from twofactor.tests.helpers import code_for, make_passkey, make_totp, verified
from twofactor.views import TOTP_KEY

OVERVIEW = reverse("twofactor:overview")
TOTP = reverse("twofactor:totp")


class TotpSetupTests(BaseTestCase):
    def test_the_profile_links_to_the_section(self) -> None:
        self.login(self.citizen)
        response = self.client.get(reverse("accounts:profile"))
        self.assertContains(response, "Zwei-Faktor-Anmeldung")
        self.assertContains(response, "nicht eingerichtet")
        self.assertContains(response, OVERVIEW)

    def test_it_shows_a_qr_code_and_the_key_and_counts_only_after_a_right_code(self) -> None:
        self.login(self.citizen)
        page = self.client.get(TOTP)
        self.assertContains(page, 'src="data:image/svg+xml')
        self.assertContains(page, "Schlüssel zum Eintippen")
        key = self.client.session[TOTP_KEY]
        self.assertEqual(self.client.get(TOTP).context["secret"], page.context["secret"])  # a reload keeps the key
        self.assertFalse(TOTPDevice.objects.filter(user=self.citizen).exists())

        response = self.client.post(TOTP, {"code": "123456" if code_for(key) != "123456" else "654321"})
        self.assertContains(response, "Der Code ist nicht richtig", status_code=400)
        self.assertFalse(TOTPDevice.objects.filter(user=self.citizen).exists())

        response = self.client.post(TOTP, {"code": code_for(key)})
        self.assertRedirects(response, reverse("twofactor:recovery"), fetch_redirect_response=False)
        # the recovery codes are made with the first factor and shown once, not left to a further step
        self.assertEqual(StaticToken.objects.filter(device__user=self.citizen).count(), 10)
        codes = self.client.get(reverse("twofactor:recovery"))
        self.assertContains(codes, '<pre class="recovery-codes">')
        self.assertContains(codes, 'download="etappe-wiederherstellungscodes.txt"')
        self.assertContains(codes, "data-print")
        self.assertNotContains(codes, '<ul class="recovery-codes">')
        for token in StaticToken.objects.filter(device__user=self.citizen):
            self.assertContains(codes, token.token)
        again = self.client.get(reverse("twofactor:recovery"))
        self.assertContains(again, "10 unbenutzte Codes")
        self.assertNotContains(again, codes.context["codes"][0])
        self.assertEqual(StaticToken.objects.filter(device__user=self.citizen).count(), 10)
        device = TOTPDevice.objects.get(user=self.citizen)
        self.assertTrue(device.confirmed)
        self.assertEqual(self.client.session[session.SESSION_KEY], "totp")
        entry = LogEntry.objects.filter(object_pk=str(self.citizen.pk), changes__has_key="second_factor").get()
        self.assertEqual(entry.changes_dict["second_factor"], ["nicht eingerichtet", "Authenticator-App"])
        self.assertEqual(entry.actor, self.citizen)

    def test_the_code_that_confirmed_the_app_cannot_complete_a_login(self) -> None:
        self.login(self.citizen)
        self.client.get(TOTP)
        code = code_for(self.client.session[TOTP_KEY])
        self.client.post(TOTP, {"code": code})
        self.client.post(reverse("accounts:logout"))
        self.client.post(reverse("accounts:login"), {"username": self.citizen.email, "password": PASSWORD})
        response = self.client.post(reverse("twofactor:verify"), {"code": code})
        self.assertContains(response, "bereits verwendet", status_code=400)

    def test_recovery_codes_are_shown_once_after_asking(self) -> None:
        make_totp(self.citizen)
        self.login(self.citizen)
        verified(self.client)
        self.assertContains(self.client.get(reverse("twofactor:recovery")), "Neue Wiederherstellungscodes erzeugen")
        self.assertEqual(StaticToken.objects.count(), 0)  # nothing made by looking
        response = self.client.post(reverse("twofactor:recovery"))
        codes = response.context["codes"]
        self.assertEqual(len(codes), 10)
        self.assertEqual(len(set(codes)), 10)
        for code in codes:
            self.assertContains(response, code)
        self.assertNotContains(self.client.get(reverse("twofactor:recovery")), codes[0])
        self.assertEqual(response["Cache-Control"].count("no-store"), 1)

    def test_removing_the_app_asks_first(self) -> None:
        make_totp(self.citizen)
        recovery_codes_generate(user=self.citizen)
        self.login(self.citizen)
        verified(self.client)
        self.assertContains(self.client.get(reverse("twofactor:totp_remove")), "Authenticator-App entfernen?")
        self.assertTrue(TOTPDevice.objects.filter(user=self.citizen).exists())
        self.client.post(reverse("twofactor:totp_remove"))
        self.assertFalse(TOTPDevice.objects.filter(user=self.citizen).exists())
        self.assertEqual(StaticToken.objects.filter(device__user=self.citizen).count(), 0)  # no codes without a factor

    def test_the_last_factor_of_a_role_that_requires_two_stays(self) -> None:
        make_totp(self.team)
        self.login(self.team)
        verified(self.client)
        response = self.client.post(reverse("twofactor:totp_remove"), follow=True)
        self.assertContains(response, "Ihre Rolle verlangt zwei Faktoren")
        self.assertTrue(TOTPDevice.objects.filter(user=self.team).exists())

    def test_a_person_with_a_factor_changes_factors_only_in_a_verified_session(self) -> None:
        make_totp(self.citizen)
        self.login(self.citizen)  # e.g. single sign-on without multi-factor: not verified
        for url in (OVERVIEW, TOTP, reverse("twofactor:recovery"), reverse("twofactor:disable")):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertTrue(response["Location"].startswith(reverse("twofactor:verify")), url)
        self.assertEqual(self.client.post(reverse("twofactor:passkey_options")).status_code, 302)  # to verify


class DisableTests(BaseTestCase):
    def test_switching_off_asks_for_the_password(self) -> None:
        make_totp(self.citizen)
        make_passkey(self.citizen)
        recovery_codes_generate(user=self.citizen)
        self.login(self.citizen)
        verified(self.client)
        response = self.client.post(reverse("twofactor:disable"), {"password": "falsch"})
        self.assertContains(response, "Das Passwort ist nicht korrekt", status_code=400)
        self.assertTrue(TOTPDevice.objects.filter(user=self.citizen).exists())
        response = self.client.post(reverse("twofactor:disable"), {"password": PASSWORD})
        self.assertRedirects(response, OVERVIEW, fetch_redirect_response=False)
        self.assertFalse(TOTPDevice.objects.filter(user=self.citizen).exists())
        self.assertFalse(Passkey.objects.filter(user=self.citizen).exists())
        self.assertFalse(StaticToken.objects.filter(device__user=self.citizen).exists())

    def test_it_is_refused_where_the_role_requires_two_factors(self) -> None:
        make_totp(self.admin)
        self.login(self.admin)
        verified(self.client)
        page = self.client.get(reverse("twofactor:disable"))
        self.assertContains(page, "können Sie sie nicht ausschalten")
        self.client.post(reverse("twofactor:disable"), {"password": PASSWORD})
        self.assertTrue(TOTPDevice.objects.filter(user=self.admin).exists())

    def test_the_administrator_sets_which_roles_require_two_factors(self) -> None:
        self.assertEqual(RoleRequirement.objects.required_roles(), {"administrator", "strategy_team"})
        self.login(self.admin)
        self.assertContains(self.client.get(reverse("twofactor:roles")), "Zwei Faktoren je Rolle")
        data = {"required": ["administrator", "staff"]}
        self.client.post(reverse("twofactor:roles"), data | {"confirmed": "1"})
        self.assertEqual(RoleRequirement.objects.required_roles(), {"administrator", "staff"})
        self.assertTrue(LogEntry.objects.filter(content_type__model="rolerequirement").exists())

    def test_requiring_a_role_whose_people_have_no_second_factor_asks_first(self) -> None:
        role_requirements_save(required={"strategy_team"})
        self.login(self.admin)  # without a second factor
        data = {"required": ["administrator", "strategy_team"]}
        page = self.client.post(reverse("twofactor:roles"), data)
        without = User.objects.filter(role="administrator", is_active=True, erased_at__isnull=True).count()
        people = "Person" if without == 1 else "Personen"
        self.assertContains(page, f"Administrator/in: {without} {people} ohne zweiten Faktor, darunter Sie")
        self.assertNotContains(page, "Strategieteam:")  # required already: nothing new
        self.assertContains(page, 'name="confirmed"')
        self.assertEqual(RoleRequirement.objects.required_roles(), {"strategy_team"})  # not saved yet
        self.client.post(reverse("twofactor:roles"), data | {"confirmed": "1"})
        self.assertEqual(RoleRequirement.objects.required_roles(), {"administrator", "strategy_team"})

    def test_requiring_a_role_whose_people_all_have_a_second_factor_saves_at_once(self) -> None:
        role_requirements_save(required=set())
        for person in User.objects.filter(role="strategy_team"):
            make_totp(person)
        self.login(self.admin)
        response = self.client.post(reverse("twofactor:roles"), {"required": ["strategy_team"]})
        self.assertRedirects(response, reverse("twofactor:roles"), fetch_redirect_response=False)
        self.assertEqual(RoleRequirement.objects.required_roles(), {"strategy_team"})


class PasskeyEndpointTests(BaseTestCase):
    def test_registration_options_name_the_relying_party_and_exclude_known_keys(self) -> None:
        make_passkey(self.citizen, "Alt")
        Passkey.objects.filter(user=self.citizen).update(credential_id="AAAA")
        self.login(self.citizen)
        verified(self.client)
        response = self.client.post(reverse("twofactor:passkey_options"), headers={"host": "localhost:8000"})
        options = json.loads(response.content)
        self.assertEqual(options["rp"]["id"], "localhost")
        self.assertEqual(options["user"]["name"], self.citizen.email)
        self.assertEqual([c["id"] for c in options["excludeCredentials"]], ["AAAA"])

    def test_a_forged_registration_is_refused(self) -> None:
        self.login(self.citizen)
        self.client.post(reverse("twofactor:passkey_options"))
        response = self.client.post(
            reverse("twofactor:passkey_add"),
            json.dumps({"name": "Fake", "credential": {"id": "x", "rawId": "x", "type": "public-key", "response": {}}}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("konnte nicht registriert werden", response.json()["message"])
        self.assertFalse(Passkey.objects.exists())

    def test_a_passkey_needs_a_name(self) -> None:
        self.login(self.citizen)
        response = self.client.post(
            reverse("twofactor:passkey_add"), json.dumps({"name": " "}), content_type="application/json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["message"], "Bitte geben Sie dem Passkey einen Namen.")
        page = self.client.get(OVERVIEW)
        self.assertContains(page, 'data-message-name="Bitte geben Sie dem Passkey einen Namen."')

    def test_removing_a_passkey_asks_first_and_only_ones_own(self) -> None:
        mine = make_passkey(self.citizen, "Mein Schlüssel")
        theirs = make_passkey(self.staff, "Fremd")
        self.login(self.citizen)
        verified(self.client)
        url = reverse("twofactor:passkey_remove", kwargs={"pk": mine.pk})
        self.assertContains(self.client.get(url), "Passkey „Mein Schlüssel“ entfernen?")
        self.assertEqual(
            self.client.post(reverse("twofactor:passkey_remove", kwargs={"pk": theirs.pk})).status_code, 404
        )
        self.client.post(url)
        self.assertFalse(Passkey.objects.filter(pk=mine.pk).exists())
        self.assertTrue(Passkey.objects.filter(pk=theirs.pk).exists())

    def test_a_forged_assertion_is_refused(self) -> None:
        make_passkey(self.staff)
        self.client.post(reverse("accounts:login"), {"username": self.staff.email, "password": PASSWORD})
        options = self.client.post(reverse("twofactor:verify_passkey_options")).json()
        self.assertEqual(len(options["allowCredentials"]), 1)
        response = self.client.post(
            reverse("twofactor:verify_passkey"),
            json.dumps({"credential": {"id": options["allowCredentials"][0]["id"], "type": "public-key"}}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_passkey_options_for_the_second_step_need_a_pending_login(self) -> None:
        self.assertEqual(self.client.post(reverse("twofactor:verify_passkey_options")).status_code, 403)


class PrivacyTests(BaseTestCase):
    def test_the_download_names_the_factors_and_deleting_the_account_removes_them(self) -> None:
        from accounts.privacy import personal_data
        from accounts.services import user_erase

        device = make_totp(self.citizen)
        make_passkey(self.citizen, "Schlüssel")
        codes = recovery_codes_generate(user=self.citizen)
        data = personal_data(self.citizen)["sections"]["second_factors"]
        self.assertTrue(data["authenticator_app"])
        self.assertEqual([p["name"] for p in data["passkeys"]], ["Schlüssel"])
        self.assertEqual(data["recovery_codes_left"], 10)
        self.assertNotIn(device.key, str(data))
        self.assertNotIn(codes[0], str(data))
        user_erase(user=self.citizen)
        self.assertFalse(TOTPDevice.objects.filter(user=self.citizen).exists())
        self.assertFalse(Passkey.objects.filter(user=self.citizen).exists())
        self.assertFalse(StaticToken.objects.filter(device__user=self.citizen).exists())
