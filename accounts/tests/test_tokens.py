from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from installation.testing import PASSWORD, BaseTestCase


class ApiTokenTests(BaseTestCase):
    def test_staff_create_a_token_that_is_shown_once_and_stored_hashed(self) -> None:
        self.login(self.staff)
        expires_on = timezone.localdate() + timedelta(days=30)
        response = self.client.post(reverse("accounts:tokens"), {"name": "Intranet", "expires_on": expires_on})
        key = response.context["new_key"]
        self.assertTrue(key.startswith("etp_"))
        self.assertContains(response, key)
        token = ApiToken.objects.get(user=self.staff)
        self.assertNotIn(key, token.key_hash)
        self.assertNotContains(self.client.get(reverse("accounts:tokens")), key)

    def test_a_token_authenticates_the_api_until_it_is_revoked(self) -> None:
        token, key = ApiToken.issue(user=self.staff, name="Skript")
        response = self.client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["email"], "staff@example.org")
        self.assertEqual(response.json()["units"][0]["name"], "Bürgerbüro")
        self.login(self.staff)
        self.client.post(reverse("accounts:token_revoke", args=[token.pk]))
        self.client.logout()
        response = self.client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"})
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["message"], "A valid API token of a staff account is required.")

    def test_the_api_refuses_missing_and_wrong_tokens_with_json(self) -> None:
        for headers in ({}, {"authorization": "Bearer etp_wrong"}, {"authorization": "Basic abc"}):
            response = self.client.get("/api/v1/me", headers=headers)
            self.assertEqual(response.status_code, 401)
            self.assertIn("message", response.json())

    def test_a_citizens_token_does_not_authenticate(self) -> None:
        _token, key = ApiToken.issue(user=self.citizen, name="x")
        self.assertEqual(
            self.client.get("/api/v1/org-units", headers={"authorization": f"Bearer {key}"}).status_code, 401
        )

    def test_citizens_cannot_manage_tokens(self) -> None:
        self.login(self.citizen)
        self.assertEqual(self.client.get(reverse("accounts:tokens")).status_code, 403)

    def test_nobody_revokes_someone_elses_token(self) -> None:
        token, _key = ApiToken.issue(user=self.staff, name="Skript")
        self.login(self.lead)
        self.assertEqual(self.client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code, 404)
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)

    def test_revoking_needs_post(self) -> None:
        token, _key = ApiToken.issue(user=self.staff, name="Skript")
        self.login(self.staff)
        self.assertEqual(self.client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code, 405)


class ApiTokenLifetimeTests(BaseTestCase):
    def me(self, key: str) -> int:
        return self.client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"}).status_code

    def test_the_expiry_is_chosen_at_creation_with_a_default_and_a_maximum(self) -> None:
        self.login(self.staff)
        page = self.client.get(reverse("accounts:tokens"))
        default = timezone.localdate() + timedelta(days=settings.ETAPPE_API_TOKEN_DEFAULT_DAYS)
        self.assertContains(page, f'value="{default.isoformat()}"')
        too_late = timezone.localdate() + timedelta(days=settings.ETAPPE_API_TOKEN_MAX_DAYS + 1)
        for bad in (too_late, timezone.localdate(), "kein Datum"):
            response = self.client.post(reverse("accounts:tokens"), {"name": "Intranet", "expires_on": str(bad)})
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.context["form"].errors["expires_on"], bad)
        self.assertFalse(ApiToken.objects.exists())
        last_day = timezone.localdate() + timedelta(days=settings.ETAPPE_API_TOKEN_MAX_DAYS)
        self.client.post(reverse("accounts:tokens"), {"name": "Intranet", "expires_on": last_day.isoformat()})
        token = ApiToken.objects.get()
        self.assertEqual(timezone.localtime(token.expires_at).date(), last_day + timedelta(days=1))
        with self.assertRaises(ValueError):
            ApiToken.issue(user=self.staff, name="x", expires_at=timezone.now() + timedelta(days=400))
        _token, _key = ApiToken.issue(user=self.staff, name="Standard")
        self.assertAlmostEqual(
            (_token.expires_at - timezone.now()).total_seconds(),
            settings.ETAPPE_API_TOKEN_DEFAULT_DAYS * 86400,
            delta=60,
        )

    def test_an_expired_token_is_refused(self) -> None:
        token, key = ApiToken.issue(user=self.staff, name="Skript", expires_at=timezone.now() + timedelta(hours=1))
        self.assertEqual(self.me(key), 200)
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        self.assertEqual(self.me(key), 401)
        self.login(self.staff)
        self.assertNotContains(self.client.get(reverse("accounts:tokens")), "Skript")

    def test_a_password_change_revokes_the_tokens(self) -> None:
        _token, key = ApiToken.issue(user=self.staff, name="Skript")
        _other, other_key = ApiToken.issue(user=self.lead, name="Skript")
        self.login(self.staff)
        response = self.client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": "ganz-neu-und-lang-9", "new_password2": "ganz-neu-und-lang-9"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.me(key), 401)
        self.assertEqual(self.me(other_key), 200)
        # Rehashing at login (a new hasher) is no password change.
        self.lead.set_password(PASSWORD)
        self.lead.save()
        _other, other_key = ApiToken.issue(user=self.lead, name="Neu")
        with self.settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.SHA1PasswordHasher", *settings.PASSWORD_HASHERS]
        ):
            self.client.post(reverse("accounts:login"), {"username": "lead@example.org", "password": PASSWORD})
        self.assertEqual(self.me(other_key), 200)

    def test_deactivating_an_account_revokes_its_tokens_for_good(self) -> None:
        token, key = ApiToken.issue(user=self.staff, name="Skript")
        self.staff.is_active = False
        self.staff.save()
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.staff.is_active = True
        self.staff.save()
        self.assertEqual(self.me(key), 401)
