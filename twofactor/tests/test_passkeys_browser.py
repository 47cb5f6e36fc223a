"""A passkey end to end in Debian's headless Chromium with its virtual authenticator (CDP WebAuthn):
register it on the two-factor page, log out, log in with password and passkey. Keyboard only."""

from accounts.models import User
from installation.demo import DEMO_PASSWORD
from installation.testing_browser import BrowserTestCase
from twofactor.models import Passkey

MAX_TABS = 80


class PasskeyBrowserTests(BrowserTestCase):
    skip_message = "Passkey suite SKIPPED: no Chromium found (apt install chromium)."

    def setUp(self) -> None:
        super().setUp()
        self.person = User.objects.get(email="buergerin@lindenfeld.example")
        # WebAuthn needs a secure context: http://localhost is one, and the RP ID is its host name.
        self.base = self.live_server_url.replace("127.0.0.1", "localhost")
        self.context = self.browser.new_context(locale="de")
        self.page = self.context.new_page()
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("WebAuthn.enable")
        self.authenticator = cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "automaticPresenceSimulation": True,
                }
            },
        )["authenticatorId"]
        self.cdp = cdp

    def tearDown(self) -> None:
        self.context.close()

    def tab_to(self, selector: str) -> None:
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Tab")
            if self.page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
                return
        self.fail(f"{selector} is not reachable with Tab on {self.page.url}")

    def log_in_with_password(self) -> None:
        self.page.goto(self.base + "/accounts/login/")
        self.page.fill("#id_username", self.person.email)
        self.page.fill("#id_password", DEMO_PASSWORD)
        with self.page.expect_navigation():
            self.page.press("#id_password", "Enter")

    def test_register_a_passkey_and_log_in_with_it(self) -> None:
        self.log_in_with_password()
        self.assertTrue(self.page.url.endswith("/workspace/"), self.page.url)

        self.page.goto(self.base + "/accounts/2fa/")
        self.page.wait_for_selector("[data-webauthn=register]:not([hidden])")
        self.assertFalse(self.page.is_visible("[data-webauthn-fallback]"))
        self.tab_to("#id_name")
        self.page.keyboard.press("Enter")  # without a name: an error at the field, nothing registered
        self.page.wait_for_selector(".kern-form-input--error #id_name[aria-invalid=true]")
        self.assertIn("Bitte geben Sie dem Passkey einen Namen.", self.page.inner_text("[data-webauthn=register]"))
        self.assertFalse(Passkey.objects.filter(user=self.person).exists())
        self.page.keyboard.type("Virtueller Schlüssel")
        with self.page.expect_navigation(url="**/accounts/2fa/recovery/"):
            self.page.keyboard.press("Enter")
        passkey = Passkey.objects.get(user=self.person)
        self.assertEqual(passkey.name, "Virtueller Schlüssel")
        self.assertEqual(
            len(self.cdp.send("WebAuthn.getCredentials", {"authenticatorId": self.authenticator})["credentials"]), 1
        )
        self.assertIn("Der Passkey „Virtueller Schlüssel“ wurde hinzugefügt.", self.page.content())
        self.assertTrue(self.page.is_visible("pre.recovery-codes"))  # made with the first factor, shown once
        self.assertTrue(self.page.is_visible("[data-print]"))

        # log out, then the password alone no longer logs in
        self.page.click("header form[action='/accounts/logout/'] button")
        self.log_in_with_password()
        self.assertIn("/accounts/2fa/verify/", self.page.url)
        self.page.goto(self.base + "/workspace/")
        self.assertIn("/accounts/2fa/verify/?next=%2Fworkspace%2F", self.page.url)  # back to the second step
        self.page.wait_for_selector("[data-webauthn=login]:not([hidden])")
        self.tab_to("[data-webauthn=login] button[type=submit]")
        with self.page.expect_navigation(url="**/workspace/"):
            self.page.keyboard.press("Enter")
        passkey.refresh_from_db()
        self.assertIsNotNone(passkey.last_used_at)
        self.assertGreaterEqual(passkey.sign_count, 0)
        self.assertIn("Abmelden", self.page.inner_text("header"))
