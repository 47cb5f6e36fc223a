from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts.models import Role, User
from core.testing import PASSWORD, BaseTestCase


class LoginTests(BaseTestCase):
    def test_it_logs_in_with_email_and_password(self) -> None:
        response = self.client.post(reverse("accounts:login"), {"username": "Staff@Example.org", "password": PASSWORD})
        self.assertRedirects(response, reverse("core:home"))
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


class RegistrationTests(BaseTestCase):
    def register(self, **overrides) -> object:
        data = {
            "full_name": "Neue Bürgerin",
            "email": "neu@example.org",
            "password1": "ein-sicheres-passwort-42",
            "password2": "ein-sicheres-passwort-42",
            "consent": "on",
        }
        data.update(overrides)
        return self.client.post(reverse("accounts:register"), data)

    def test_it_registers_an_inactive_citizen_and_sends_a_confirmation_link(self) -> None:
        response = self.register()
        self.assertContains(response, "neu@example.org")
        user = User.objects.get(email="neu@example.org")
        self.assertEqual(user.role, Role.CITIZEN)
        self.assertFalse(user.is_active)
        self.assertEqual(len(mail.outbox), 1)
        link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/confirm/" in line)
        path = link[link.index("/accounts/confirm/") :].strip()
        self.assertRedirects(self.client.get(path), reverse("accounts:login"))
        user.refresh_from_db()
        self.assertTrue(user.is_active)

    def test_it_refuses_a_tampered_confirmation_link(self) -> None:
        self.register()
        response = self.client.get(reverse("accounts:confirm", args=["nonsense:token"]))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(User.objects.get(email="neu@example.org").is_active)

    def test_it_requires_consent_matching_passwords_and_a_new_address(self) -> None:
        response = self.register(consent="", password2="anders", email="STAFF@example.org")
        self.assertContains(response, "Dieses Feld ist zwingend erforderlich.")
        self.assertContains(response, "Die beiden Passwörter stimmen nicht überein.")
        self.assertContains(response, "Es gibt bereits ein Konto mit dieser E-Mail-Adresse.")
        self.assertEqual(len(mail.outbox), 0)

    def test_it_refuses_weak_passwords(self) -> None:
        response = self.register(password1="12345678", password2="12345678")
        self.assertContains(response, "Dieses Passwort ist zu üblich.")
        self.assertFalse(User.objects.filter(email="neu@example.org").exists())
