"""OpenID Connect against oidc-provider-mock over real HTTP: the code flow with PKCE, account
creation and update, group mapping, two factors from `amr`, and refusals that change nothing."""

from urllib.parse import parse_qs, urlparse

import requests
from django.urls import reverse

from accounts.models import Role, User
from installation.testing import BaseTestCase, make_unit
from sso import oidc
from sso.models import ExternalIdentity, GroupMapping, IdentityProvider
from sso.tests.base import English
from sso.tests.servers import OidcProvider
from sso.tests.test_ldap import override_env
from twofactor.session import verified_method

ANNA = {
    "email": "anna@town.test",
    "name": "Anna Amt",
    "groups": ["etappe-staff"],
    "amr": ["pwd"],
}


class OidcTestCase(English, BaseTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.idp = OidcProvider(
            [("anna-0001", ANNA), ("otto-0002", {**ANNA, "email": "otto@town.test", "amr": ["pwd", "otp"]})]
        )

    @classmethod
    def tearDownClass(cls) -> None:
        cls.idp.stop()
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        self.idp.tamper_id_token = False
        self.provider = IdentityProvider.objects.create(
            kind="oidc",
            name="Keycloak",
            slug="kc",
            enabled=True,
            discovery_url=self.idp.discovery_url,
            client_id="etappe",
        )
        self.office = make_unit(name="Ordnungsamt")
        GroupMapping.objects.create(provider=self.provider, group="etappe-staff", role=Role.STAFF, unit=self.office)
        env = override_env(ETAPPE_SSO_KC_CLIENT_SECRET="s3cret")
        env.__enter__()
        self.addCleanup(env.__exit__)

    def authorize(self, sub: str, *, action: str = "") -> str:
        """Start at Etappe, choose `sub` at the provider; the callback path with its query."""
        start = self.client.get(reverse("sso:login", args=["kc"]))
        self.assertEqual(start.status_code, 302)
        data = {"sub": sub} | ({"action": action} if action else {})
        answer = requests.post(start["Location"], data=data, allow_redirects=False, timeout=5)
        self.assertEqual(answer.status_code, 302, answer.text)
        callback = urlparse(answer.headers["Location"])
        return f"{callback.path}?{callback.query}"


class OidcFlowTests(OidcTestCase):
    def test_the_request_carries_state_nonce_and_an_s256_challenge(self) -> None:
        start = self.client.get(reverse("sso:login", args=["kc"]))
        params = parse_qs(urlparse(start["Location"]).query)
        self.assertEqual(params["code_challenge_method"], ["S256"])
        self.assertTrue(params["state"][0] and params["nonce"][0] and params["code_challenge"][0])
        self.assertEqual(params["redirect_uri"], [oidc.callback_url(self.provider)])

    def test_the_first_login_creates_the_account_and_the_next_updates_it(self) -> None:
        verified = self.idp.verified
        response = self.client.get(self.authorize("anna-0001"))
        self.assertRedirects(response, reverse("workspace:home"), fetch_redirect_response=False)
        self.assertEqual(self.idp.verified, verified + 1)  # the provider checked the PKCE verifier
        anna = User.objects.get(email="anna@town.test")
        self.assertEqual((anna.full_name, anna.role), ("Anna Amt", Role.STAFF))
        self.assertEqual(list(anna.units.all()), [self.office])
        self.assertEqual(ExternalIdentity.objects.get(user=anna).subject, "anna-0001")
        self.assertIsNone(verified_method(response.wsgi_request))

        GroupMapping.objects.filter(provider=self.provider).update(role=Role.STRATEGY_TEAM)
        self.client.logout()
        self.client.get(self.authorize("anna-0001"))
        anna.refresh_from_db()
        self.assertEqual(anna.role, Role.STRATEGY_TEAM)  # the changed mapping counts at the next sign-in
        self.assertEqual(User.objects.filter(email="anna@town.test").count(), 1)

    def test_amr_with_a_second_factor_counts_as_two_factors(self) -> None:
        response = self.client.get(self.authorize("otto-0002"))
        self.assertEqual(verified_method(response.wsgi_request), "idp")

    def test_an_existing_account_with_the_address_is_not_taken_over(self) -> None:
        User.objects.create_user("anna@town.test", "pw-of-the-real-anna", full_name="Other Anna")
        response = self.client.get(self.authorize("anna-0001"), follow=True)
        self.assertContains(response, "exists already")
        self.assertFalse(ExternalIdentity.objects.exists())
        self.assertEqual(User.objects.get(email="anna@town.test").full_name, "Other Anna")

    def test_with_link_by_email_it_is_linked_by_subject_from_then_on(self) -> None:
        existing = User.objects.create_user("anna@town.test", None, full_name="Invited Anna", role=Role.STAFF)
        self.provider.link_by_email = True
        self.provider.save()
        self.client.get(self.authorize("anna-0001"))
        self.assertEqual(ExternalIdentity.objects.get().user, existing)


class OidcRefusalTests(OidcTestCase):
    def assert_nothing_changed(self, response, text: str) -> None:
        self.assertContains(response, text)
        self.assertEqual(response.wsgi_request.path, reverse("accounts:login"))
        self.assertFalse(User.objects.filter(email="anna@town.test").exists())
        self.assertFalse(ExternalIdentity.objects.exists())
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_wrong_state_is_refused(self) -> None:
        callback = self.authorize("anna-0001")
        query = parse_qs(urlparse(callback).query)
        response = self.client.get(
            reverse("sso:oidc_callback", args=["kc"]), {"code": query["code"][0], "state": "forged"}, follow=True
        )
        self.assert_nothing_changed(response, "was not started in this browser")

    def test_a_replayed_callback_is_refused(self) -> None:
        callback = self.authorize("anna-0001")
        self.client.get(callback)
        User.objects.filter(email="anna@town.test").update(full_name="Changed")
        self.client.logout()
        response = self.client.get(callback, follow=True)
        self.assertContains(response, "was not started in this browser")
        self.assertEqual(User.objects.get(email="anna@town.test").full_name, "Changed")

    def test_a_wrong_nonce_is_refused(self) -> None:
        callback = self.authorize("anna-0001")
        session = self.client.session
        for started in session[oidc.SESSION_KEY].values():
            started["nonce"] = "another-nonce"
        session.save()
        self.assert_nothing_changed(self.client.get(callback, follow=True), "could not be verified")

    def test_a_wrong_code_verifier_is_refused(self) -> None:
        callback = self.authorize("anna-0001")
        session = self.client.session
        for started in session[oidc.SESSION_KEY].values():
            started["verifier"] = "x" * 64
        session.save()
        self.assert_nothing_changed(self.client.get(callback, follow=True), "did not confirm the sign-in")

    def test_an_id_token_with_an_invalid_signature_is_refused(self) -> None:
        self.idp.tamper_id_token = True
        self.assert_nothing_changed(self.client.get(self.authorize("anna-0001"), follow=True), "could not be verified")

    def test_a_refusal_by_the_provider_is_said(self) -> None:
        response = self.client.get(self.authorize("anna-0001", action="deny"), follow=True)
        self.assert_nothing_changed(response, "refused the sign-in")

    def test_a_person_deactivated_in_etappe_stays_refused(self) -> None:
        self.client.get(self.authorize("anna-0001"))
        User.objects.filter(email="anna@town.test").update(is_active=False)
        self.client.logout()
        response = self.client.get(self.authorize("anna-0001"), follow=True)
        self.assertContains(response, "deactivated")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_provider_that_is_down_is_said_on_the_login_page(self) -> None:
        self.provider.discovery_url = "http://127.0.0.1:1/.well-known/openid-configuration"
        self.provider.save()
        response = self.client.get(reverse("sso:login", args=["kc"]), follow=True)
        self.assertContains(response, "not reachable right now", count=1)  # one message, beside its button
        self.assertContains(response, 'name="password"')
        # and the login page says so for a while
        self.assertContains(self.client.get(reverse("accounts:login")), "not reachable right now", count=1)

    def test_a_disabled_provider_has_no_button_and_no_login(self) -> None:
        self.provider.enabled = False
        self.provider.save()
        self.assertNotContains(self.client.get(reverse("accounts:login")), "Sign in with Keycloak")
        self.assertEqual(self.client.get(reverse("sso:login", args=["kc"])).status_code, 404)


class OidcPreviewTests(OidcTestCase):
    def test_a_test_sign_in_in_preview_mode_shows_the_result_and_creates_nothing(self) -> None:
        self.provider.enabled = False  # a test sign-in works before the provider is switched on
        self.provider.save()
        self.client.force_login(self.admin)
        start = self.client.get(reverse("sso:login", args=["kc"]), {"preview": "1"})
        answer = requests.post(start["Location"], data={"sub": "anna-0001"}, allow_redirects=False, timeout=5)
        callback = urlparse(answer.headers["Location"])
        response = self.client.get(f"{callback.path}?{callback.query}", follow=True)
        self.assertContains(response, "Test sign-in as Anna Amt (anna@town.test), subject anna-0001.")
        self.assertContains(response, "Department staff")
        self.assertContains(response, "Ordnungsamt")
        self.assertFalse(User.objects.filter(email="anna@town.test").exists())
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.admin.pk)

    def test_a_test_sign_in_at_a_provider_that_is_down_returns_to_the_preview(self) -> None:
        self.provider.discovery_url = "http://127.0.0.1:1/.well-known/openid-configuration"
        self.provider.save()
        self.client.force_login(self.admin)
        response = self.client.get(reverse("sso:login", args=["kc"]), {"preview": "1"})
        self.assertRedirects(response, reverse("sso:preview", args=[self.provider.pk]), fetch_redirect_response=False)
        self.assertContains(self.client.get(response["Location"]), "The test sign-in failed: Keycloak is not reachable")

    def test_only_administrators_may_start_a_preview(self) -> None:
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get(reverse("sso:login", args=["kc"]), {"preview": "1"}).status_code, 403)
