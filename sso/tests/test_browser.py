"""In Debian's Chromium: the whole OpenID Connect code flow with PKCE against oidc-provider-mock,
and the accessibility of the administrator's pages and of the login page with its buttons."""

from django.test import override_settings
from django.urls import reverse

from accounts.models import Role, User
from installation.testing_browser import AxeTestCase, BrowserTestCase
from sso.models import ExternalIdentity, GroupMapping, IdentityProvider
from sso.tests.servers import OidcProvider
from sso.tests.test_ldap import override_env


class OidcBrowserTests(BrowserTestCase):
    skip_message = "OIDC browser suite SKIPPED: no Chromium found (apt install chromium)."

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.idp = OidcProvider(
            [("kim-4711", {"email": "kim@town.test", "name": "Kim Kern", "groups": ["etappe-team"]})]
        )

    @classmethod
    def tearDownClass(cls) -> None:
        cls.idp.stop()
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        provider = IdentityProvider.objects.create(
            kind="oidc",
            name="Keycloak",
            slug="kc",
            enabled=True,
            discovery_url=self.idp.discovery_url,
            client_id="etappe",
        )
        GroupMapping.objects.create(provider=provider, group="etappe-team", role=Role.STRATEGY_TEAM)
        for manager in (
            override_settings(ETAPPE_BASE_URL=self.live_server_url),
            override_env(ETAPPE_SSO_KC_CLIENT_SECRET="s"),
        ):
            manager.__enter__()
            self.addCleanup(manager.__exit__, None, None, None)
        self.context = self.browser.new_context(locale="de")
        self.addCleanup(self.context.close)

    def sign_in(self) -> None:
        page = self.context.new_page()
        page.goto(self.live_server_url + reverse("accounts:login"))
        page.get_by_role("link", name="Anmelden mit Keycloak").click()
        page.wait_for_url(f"{self.idp.url}/oauth2/authorize*")
        page.locator('button[value="kim-4711"]').first.click()
        page.wait_for_url(self.live_server_url + reverse("workspace:home"))
        page.close()

    def test_the_code_flow_with_pkce_creates_and_then_updates_the_account(self) -> None:
        verified = self.idp.verified
        self.sign_in()
        self.assertEqual(self.idp.verified, verified + 1)  # the provider checked the S256 verifier
        kim = User.objects.get(email="kim@town.test")
        self.assertEqual((kim.full_name, kim.role), ("Kim Kern", Role.STRATEGY_TEAM))
        self.assertEqual(ExternalIdentity.objects.get(user=kim).subject, "kim-4711")

        GroupMapping.objects.filter(group="etappe-team").update(role=Role.STAFF)
        self.context.clear_cookies()
        self.sign_in()
        kim.refresh_from_db()
        self.assertEqual(kim.role, Role.STAFF)
        self.assertEqual(User.objects.filter(email="kim@town.test").count(), 1)


class SsoAccessibilityTests(AxeTestCase):
    def test_the_administrators_pages_and_the_login_page_with_buttons(self) -> None:
        provider = IdentityProvider.objects.create(
            kind="oidc", name="Keycloak", slug="kc", enabled=True, discovery_url="https://kc.invalid/", client_id="e"
        )
        IdentityProvider.objects.create(
            kind="saml", name="Landesportal", slug="land", enabled=True, idp_metadata_xml="<EntityDescriptor/>"
        )
        GroupMapping.objects.create(provider=provider, group="etappe-staff", role=Role.STAFF)
        admin = User.objects.get(email="admin@lindenfeld.example")
        preview = reverse("sso:preview", args=[provider.pk]) + "?groups=etappe-staff%0Aother"
        self.audit(admin, [reverse("sso:providers"), provider.get_absolute_url(), preview, reverse("sso:provider_new")])
        self.audit(None, [reverse("accounts:login")])
