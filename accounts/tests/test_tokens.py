from django.urls import reverse

from accounts.models import ApiToken
from core.testing import BaseTestCase


class ApiTokenTests(BaseTestCase):
    def test_staff_create_a_token_that_is_shown_once_and_stored_hashed(self) -> None:
        self.login(self.staff)
        response = self.client.post(reverse("accounts:tokens"), {"name": "Intranet"})
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
