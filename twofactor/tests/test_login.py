"""The second step of a password login: TOTP codes, recovery codes, replay, rate limit, expiry."""

import time
from unittest import mock
from urllib.parse import quote

from django.urls import reverse

from installation.testing import PASSWORD, BaseTestCase
from twofactor import session
from twofactor.services import recovery_codes_generate
from twofactor.tests.helpers import code_for, make_totp

LOGIN = reverse("accounts:login")
VERIFY = reverse("twofactor:verify")


class SecondStepTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.device = make_totp(self.staff)

    def password_step(self, next_url: str = "") -> None:
        data = {"username": "staff@example.org", "password": PASSWORD}
        url = LOGIN + (f"?next={next_url}" if next_url else "")
        response = self.client.post(url, data | ({"next": next_url} if next_url else {}))
        self.assertRedirects(response, VERIFY, fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)  # not logged in yet

    def test_it_asks_for_the_second_step_and_logs_in_with_a_current_code(self) -> None:
        self.password_step()
        page = self.client.get(VERIFY)
        self.assertContains(page, "Anmeldung bestätigen")
        response = self.client.post(VERIFY, {"code": code_for(self.device.key)})
        self.assertRedirects(response, reverse("workspace:home"), fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.staff.pk)
        self.assertEqual(self.client.session[session.SESSION_KEY], "totp")
        self.assertNotIn(session.PENDING_KEY, self.client.session)

    def test_it_keeps_the_page_that_asked_for_the_login(self) -> None:
        self.password_step(next_url="/ideas/")
        response = self.client.post(VERIFY, {"code": code_for(self.device.key)})
        self.assertRedirects(response, "/ideas/", fetch_redirect_response=False)

    def test_it_refuses_a_wrong_code(self) -> None:
        self.password_step()
        wrong = f"{(int(code_for(self.device.key)) + 1) % 1_000_000:06d}"
        response = self.client.post(VERIFY, {"code": wrong})
        self.assertContains(response, "Der Code ist nicht richtig", status_code=400)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_code_works_only_once(self) -> None:
        code = code_for(self.device.key)
        self.password_step()
        self.client.post(VERIFY, {"code": code})
        self.client.post(reverse("accounts:logout"))
        self.password_step()
        response = self.client.post(VERIFY, {"code": code})
        self.assertContains(response, "bereits verwendet", status_code=400)
        self.assertNotIn("_auth_user_id", self.client.session)
        # the app's next code works (once django-otp's one-second delay after a failure has passed)
        self.device.refresh_from_db()
        self.device.throttle_reset()
        response = self.client.post(VERIFY, {"code": code_for(self.device.key, steps_ahead=1)})
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.staff.pk)

    def test_wrong_codes_are_limited(self) -> None:
        self.password_step()
        for _ in range(5):
            self.client.post(VERIFY, {"code": "000000"})
        self.device.refresh_from_db()
        self.device.throttle_reset()  # django-otp's own delay would refuse the right code as well
        response = self.client.post(VERIFY, {"code": code_for(self.device.key)})
        self.assertContains(response, "Zu viele falsche Codes", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_recovery_code_works_once(self) -> None:
        codes = recovery_codes_generate(user=self.staff)
        self.assertEqual(len(codes), 10)
        self.password_step()
        response = self.client.post(VERIFY, {"code": codes[0].upper()})
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.staff.pk)
        self.assertEqual(self.client.session[session.SESSION_KEY], "recovery")
        self.client.post(reverse("accounts:logout"))
        self.password_step()
        response = self.client.post(VERIFY, {"code": codes[0]})
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_new_recovery_codes_replace_the_earlier_ones(self) -> None:
        old = recovery_codes_generate(user=self.staff)
        recovery_codes_generate(user=self.staff)
        self.password_step()
        self.assertEqual(self.client.post(VERIFY, {"code": old[1]}).status_code, 400)

    def test_pages_for_people_with_an_account_lead_back_to_the_second_step(self) -> None:
        """Between password and second step: not to the login page (which would say "Anmelden")."""
        self.password_step()
        for name in ("workspace:home", "accounts:profile"):
            path = reverse(name)
            response = self.client.get(path)
            self.assertRedirects(response, VERIFY + "?next=" + quote(path, safe=""), fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("ideas:list")).status_code, 200)  # public pages stay public
        response = self.client.post(VERIFY + "?next=/accounts/profile/", {"code": code_for(self.device.key)})
        self.assertRedirects(response, "/accounts/profile/", fetch_redirect_response=False)

    def test_without_a_pending_login_pages_lead_to_the_login(self) -> None:
        response = self.client.get(reverse("workspace:home"))
        self.assertTrue(response["Location"].startswith(LOGIN), response["Location"])

    def test_the_pending_login_expires(self) -> None:
        self.password_step()
        later = time.time() + session.PENDING_SECONDS + 1
        with mock.patch("twofactor.session.time.time", return_value=later):
            response = self.client.post(VERIFY, {"code": code_for(self.device.key)})
        self.assertRedirects(response, LOGIN, fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertContains(self.client.get(LOGIN), "zu lange gedauert")

    def test_without_a_pending_login_the_page_sends_to_the_login(self) -> None:
        self.assertRedirects(self.client.get(VERIFY), LOGIN, fetch_redirect_response=False)

    def test_a_deactivated_account_cannot_finish(self) -> None:
        self.password_step()
        self.staff.is_active = False
        self.staff.save()
        response = self.client.post(VERIFY, {"code": code_for(self.device.key)})
        self.assertRedirects(response, LOGIN, fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_people_without_a_second_factor_log_in_with_the_password(self) -> None:
        response = self.client.post(LOGIN, {"username": "council@example.org", "password": PASSWORD})
        self.assertRedirects(response, reverse("workspace:home"), fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.council.pk)

    def test_a_session_logged_in_elsewhere_without_the_second_factor_must_pass_it(self) -> None:
        """Single sign-on without multi-factor: logged in, but the session has not passed the second step."""
        self.login(self.staff)
        response = self.client.get(reverse("ideas:list"))
        self.assertRedirects(response, VERIFY + "?next=/ideas/", fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("twofactor:overview")).status_code, 302)  # no setting up instead
        response = self.client.post(VERIFY + "?next=/ideas/", {"code": code_for(self.device.key)})
        self.assertRedirects(response, "/ideas/", fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("ideas:list")).status_code, 200)

    def test_a_single_sign_on_with_multi_factor_counts(self) -> None:
        self.login(self.staff)
        s = self.client.session
        s[session.SESSION_KEY] = "idp"  # what twofactor.session.mark_verified(request, "idp") writes
        s.save()
        self.assertEqual(self.client.get(reverse("ideas:list")).status_code, 200)
