import re
import time
from unittest import mock

from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils.translation import gettext

from accounts.models import ApiToken, Role, User
from installation.testing import PASSWORD, BaseTestCase, make_user


class LoginTests(BaseTestCase):
    def test_it_logs_in_with_email_and_password(self) -> None:
        response = self.client.post(reverse("accounts:login"), {"username": "Staff@Example.org", "password": PASSWORD})
        self.assertRedirects(response, reverse("workspace:home"))  # the personal start page (workspace app)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.staff.pk)

    def test_it_refuses_a_wrong_password_with_a_german_message(self) -> None:
        response = self.client.post(reverse("accounts:login"), {"username": "staff@example.org", "password": "falsch"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Bitte")
        self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(AXES_FAILURE_LIMIT=3)
    def test_it_throttles_repeated_failures_even_with_the_right_password_afterwards(self) -> None:
        for _ in range(3):
            self.client.post(reverse("accounts:login"), {"username": "staff@example.org", "password": "falsch"})
        response = self.client.post(reverse("accounts:login"), {"username": "staff@example.org", "password": PASSWORD})
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Zu viele fehlgeschlagene Anmeldeversuche", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_stores_passwords_hashed(self) -> None:
        self.assertNotEqual(self.staff.password, PASSWORD)
        self.assertTrue(self.staff.check_password(PASSWORD))

    def test_logout_needs_post(self) -> None:
        self.login(self.staff)
        self.assertEqual(self.client.get(reverse("accounts:logout")).status_code, 405)
        self.client.post(reverse("accounts:logout"))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_only_administrators_reach_the_django_admin(self) -> None:
        for name, user in self.personas().items():
            self.login(user)
            response = self.client.get("/admin/")
            if name == "admin":
                self.assertEqual(response.status_code, 200, name)
            else:
                self.assertEqual(response.status_code, 302, name)

    def test_role_decides_admin_access_flags(self) -> None:
        self.assertTrue(self.admin.is_staff and self.admin.is_superuser)
        self.team.role = Role.ADMINISTRATOR
        self.team.save()
        self.assertTrue(self.team.is_staff)
        self.team.role = Role.STAFF
        self.team.save()
        self.assertFalse(self.team.is_staff or self.team.is_superuser)


def link_in(message) -> str:
    line = next(line for line in message.body.splitlines() if "/accounts/" in line and "://" in line)
    return line[line.index("/accounts/") :].strip()


class RegistrationTests(BaseTestCase):
    def register(self, email: str = "neu@example.org", **overrides) -> object:
        return self.client.post(reverse("accounts:register"), {"email": email, **overrides})

    def set_up_account(self, path: str, **overrides) -> object:
        data = {
            "full_name": "Neue Bürgerin",
            "password1": "ein-sicheres-passwort-42",
            "password2": "ein-sicheres-passwort-42",
            "consent": "on",
        }
        return self.client.post(path, {**data, **overrides})

    def test_the_link_leads_to_a_form_where_the_mailbox_holder_chooses_name_and_password(self) -> None:
        response = self.register(email="Neu@Example.org")
        self.assertContains(response, "neu@example.org")
        self.assertFalse(User.objects.filter(email="neu@example.org").exists())  # nothing stored yet
        self.assertEqual(len(mail.outbox), 1)
        path = link_in(mail.outbox[0])
        self.assertContains(self.client.get(path), "Passwort")
        self.assertRedirects(self.set_up_account(path), reverse("accounts:login"))
        user = User.objects.get(email="neu@example.org")
        self.assertEqual((user.role, user.full_name, user.is_active), (Role.CITIZEN, "Neue Bürgerin", True))
        self.assertTrue(user.check_password("ein-sicheres-passwort-42"))
        # The link works once.
        self.assertEqual(self.client.get(path).status_code, 400)
        self.assertEqual(self.set_up_account(path, password1="anders-42-x", password2="anders-42-x").status_code, 400)
        user.refresh_from_db()
        self.assertTrue(user.check_password("ein-sicheres-passwort-42"))

    def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(self) -> None:
        new = self.register(email="neu@example.org")
        existing = self.register(email="Citizen@example.org")
        self.assertEqual(new.status_code, existing.status_code)

        def page(response, email: str) -> str:
            return re.sub(r"[A-Za-z0-9]{64}", "CSRF", response.content.decode().replace(email, "X"))

        self.assertEqual(page(new, "neu@example.org"), page(existing, "citizen@example.org"))
        # The mail tells the owner what happened, and how to log in or reset the password.
        self.assertEqual(len(mail.outbox), 2)
        exists = mail.outbox[1]
        self.assertEqual(exists.to, ["citizen@example.org"])
        self.assertIn(reverse("accounts:login"), exists.body)
        self.assertIn(reverse("accounts:password_reset"), exists.body)
        self.assertNotIn("/accounts/confirm/", exists.body)

    def test_someone_elses_registration_neither_blocks_the_address_nor_sets_its_password(self) -> None:
        self.register()  # an attacker registers the address; the link goes to its owner only
        self.register()  # the owner registers too, and can
        self.assertEqual(len(mail.outbox), 2)
        self.assertFalse(User.objects.filter(email="neu@example.org").exists())
        self.assertRedirects(
            self.set_up_account(
                link_in(mail.outbox[1]), password1="eigenes-passwort-77", password2="eigenes-passwort-77"
            ),
            reverse("accounts:login"),
        )
        self.assertTrue(User.objects.get(email="neu@example.org").check_password("eigenes-passwort-77"))

    def test_an_unconfirmed_registration_of_the_earlier_flow_does_not_block_the_address(self) -> None:
        squatter = User.objects.create_user(
            "neu@example.org", "angreifer-passwort-1", is_active=False, role=Role.CITIZEN, full_name="Angreifer"
        )
        self.register()
        self.assertIn("/accounts/confirm/", mail.outbox[0].body)
        self.set_up_account(link_in(mail.outbox[0]))
        squatter.refresh_from_db()
        self.assertTrue(squatter.is_active)
        self.assertEqual(squatter.full_name, "Neue Bürgerin")
        self.assertFalse(squatter.check_password("angreifer-passwort-1"))

    def test_links_expire(self) -> None:
        self.register()
        path = link_in(mail.outbox[0])
        with mock.patch("django.core.signing.time.time", return_value=time.time() + 4 * 24 * 3600):
            self.assertEqual(self.client.get(path).status_code, 400)

    def test_it_refuses_a_tampered_confirmation_link(self) -> None:
        response = self.client.get(reverse("accounts:confirm", args=["nonsense:token"]))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "ungültig", status_code=400)

    def test_the_setup_form_requires_consent_matching_and_strong_passwords(self) -> None:
        self.register()
        path = link_in(mail.outbox[0])
        response = self.set_up_account(path, consent="", password2="anders")
        self.assertContains(response, "Dieses Feld ist zwingend erforderlich.")
        self.assertContains(response, "Die beiden Passwörter stimmen nicht überein.")
        response = self.set_up_account(path, password1="12345678", password2="12345678")
        self.assertContains(response, gettext("This password is used too often."))
        self.assertFalse(User.objects.filter(email="neu@example.org").exists())

    def test_registrations_are_limited_per_address(self) -> None:
        from accounts.views import REGISTRATIONS_PER_ADDRESS_AND_HOUR

        for number in range(REGISTRATIONS_PER_ADDRESS_AND_HOUR):
            self.assertEqual(self.register(email=f"neu{number}@example.org").status_code, 200)
        self.assertEqual(self.register(email="noch-eine@example.org").status_code, 429)
        self.assertEqual(len(mail.outbox), REGISTRATIONS_PER_ADDRESS_AND_HOUR)


class PasswordResetTests(BaseTestCase):
    def test_a_reset_link_sets_a_new_password_and_revokes_api_tokens(self) -> None:
        _token, key = ApiToken.issue(user=self.staff, name="Skript")
        response = self.client.post(reverse("accounts:password_reset"), {"email": "staff@example.org"})
        self.assertRedirects(response, reverse("accounts:password_reset_done"))
        path = link_in(mail.outbox[0])
        response = self.client.get(path, follow=True)
        response = self.client.post(
            response.redirect_chain[-1][0],
            {"new_password1": "ganz-neu-und-lang-9", "new_password2": "ganz-neu-und-lang-9"},
        )
        self.assertRedirects(response, reverse("accounts:password_reset_complete"))
        self.staff.refresh_from_db()
        self.assertTrue(self.staff.check_password("ganz-neu-und-lang-9"))
        self.assertEqual(self.client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"}).status_code, 401)

    def test_the_answer_is_the_same_for_unknown_addresses(self) -> None:
        response = self.client.post(reverse("accounts:password_reset"), {"email": "niemand@example.org"})
        self.assertRedirects(response, reverse("accounts:password_reset_done"))
        self.assertEqual(len(mail.outbox), 0)


class LoginTimingTests(BaseTestCase):
    """An unknown address costs the same password hashing as a wrong password, so the answer time
    does not tell whether an account exists (counted, not timed)."""

    def hasher_runs(self, email: str, password: str = "falsch") -> int:  # noqa: S107 - a wrong test password
        runs = []
        encode = MD5PasswordHasher.encode

        def counting(hasher, *args, **kwargs) -> str:
            runs.append(1)
            return encode(hasher, *args, **kwargs)

        with mock.patch.object(MD5PasswordHasher, "encode", counting):
            response = self.client.post(reverse("accounts:login"), {"username": email, "password": password})
        self.assertEqual(response.status_code, 200, email)
        return len(runs)

    def test_unknown_inactive_and_passwordless_accounts_cost_as_much_as_a_wrong_password(self) -> None:
        inactive = make_user(role=Role.CITIZEN, email="inaktiv@example.org", is_active=False)
        passwordless = make_user(role=Role.STAFF, email="ohne@example.org")
        passwordless.set_unusable_password()
        passwordless.save()
        wrong = self.hasher_runs("staff@example.org")
        self.assertGreaterEqual(wrong, 1)
        self.assertEqual(self.hasher_runs("niemand@example.org"), wrong)
        self.assertEqual(self.hasher_runs(inactive.email), wrong)
        self.assertEqual(self.hasher_runs(inactive.email, PASSWORD), wrong)
        self.assertEqual(self.hasher_runs(passwordless.email), wrong)


class FailedLoginsPerAddressTests(BaseTestCase):
    """A new account name each time escapes the lock of address and account; the failures of one
    address together are limited, and once they are, no password is hashed any more."""

    def test_an_address_with_too_many_failures_is_refused_before_any_hashing(self) -> None:
        from accounts.views import FAILED_LOGINS_PER_ADDRESS

        url = reverse("accounts:login")
        for number in range(FAILED_LOGINS_PER_ADDRESS[0]):
            self.client.post(url, {"username": f"raten{number}@example.org", "password": "falsch"})
        runs = []
        encode = MD5PasswordHasher.encode

        def counting(hasher, *args, **kwargs) -> str:
            runs.append(1)
            return encode(hasher, *args, **kwargs)

        with mock.patch.object(MD5PasswordHasher, "encode", counting):
            response = self.client.post(url, {"username": "staff@example.org", "password": PASSWORD})
        self.assertEqual((response.status_code, runs), (429, []))
        self.assertContains(response, "Zu viele fehlgeschlagene Anmeldungen", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        # Another address is not affected.
        other = self.client_class(REMOTE_ADDR="192.0.2.50")
        self.assertEqual(other.post(url, {"username": "staff@example.org", "password": PASSWORD}).status_code, 302)


class ShortNameTests(BaseTestCase):
    """The workspace greets with the short name ("Hallo Michael"), never with a title."""

    def test_it_skips_academic_titles(self) -> None:
        for full_name, short in (
            ("Michael Wagner", "Michael"),
            ("Dr. Michael Wagner", "Michael"),
            ("Prof. Dr. Anna-Lena Schmidt", "Anna-Lena"),
            ("Dipl.-Ing. Jörg Peters", "Jörg"),
            ("Dr. med. Eva Braun", "Eva"),
            ("Dr. Wagner", "Dr. Wagner"),  # only a title and a surname: the whole name
            ("Drew Barrymore", "Drew"),
            ("Cher", "Cher"),
        ):
            self.assertEqual(User(email="x@example.org", full_name=full_name).get_short_name(), short, full_name)
        self.assertEqual(User(email="x@example.org", full_name="").get_short_name(), "x@example.org")
