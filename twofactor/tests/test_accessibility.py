"""axe-core's WCAG 2.1 A/AA rules on the two-factor pages, in German and English."""

from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string

from accounts.models import User
from installation.testing_browser import AxeTestCase
from twofactor.services import recovery_codes_generate, role_requirements_save
from twofactor.session import SESSION_KEY
from twofactor.tests.helpers import make_passkey, make_totp
from twofactor.views import NEW_CODES_KEY


class TwoFactorAccessibilityTests(AxeTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.citizen = User.objects.get(email="buergerin@lindenfeld.example")
        self.admin = User.objects.get(email="admin@lindenfeld.example")
        self.staff = User.objects.get(email="fachbereich@lindenfeld.example")

    def test_setting_up(self) -> None:
        self.audit(self.citizen, ["/accounts/profile/", "/accounts/2fa/", "/accounts/2fa/totp/"])

    def test_the_second_step(self) -> None:
        make_totp(self.citizen)
        make_passkey(self.citizen)
        self.audit(self.citizen, ["/accounts/2fa/verify/"])  # a session that has not passed it yet

    def test_with_second_factors_set_up(self) -> None:
        make_totp(self.citizen)
        passkey = make_passkey(self.citizen)
        recovery_codes_generate(user=self.citizen)
        self.verified = True
        paths = ["/accounts/2fa/", "/accounts/2fa/recovery/", "/accounts/2fa/off/", "/accounts/2fa/totp/remove/"]
        self.audit(self.citizen, [*paths, f"/accounts/2fa/passkeys/{passkey.pk}/remove/"])

    def test_the_recovery_codes_made_with_the_first_factor(self) -> None:
        make_totp(self.citizen)
        self.verified = True
        self.new_codes = recovery_codes_generate(user=self.citizen)
        self.audit(self.citizen, ["/accounts/2fa/recovery/"])

    def test_held_at_the_setup(self) -> None:
        role_requirements_save(required={"administrator"})  # the demo requires two factors of no role
        with self.settings(ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE=True):
            self.audit(self.admin, ["/accounts/2fa/"])

    def test_administration(self) -> None:
        make_totp(self.staff)
        no_factor = User.objects.get(email="buergerin@lindenfeld.example")
        paths = ["/accounts/2fa/roles/", f"/accounts/2fa/people/{self.staff.pk}/reset/"]
        self.audit(self.admin, [*paths, f"/accounts/2fa/people/{no_factor.pk}/reset/"])

    verified = False
    new_codes: list[str] = []

    def open_context(self, user: User | None, language: str):
        context = super().open_context(user, language)
        if user is not None and self.verified:  # as after the second step
            store: SessionBase = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(
                self.client.cookies[settings.SESSION_COOKIE_NAME].value
            )
            assert store[AUTH_SESSION_KEY] == str(user.pk)
            store[SESSION_KEY] = "totp"
            if self.new_codes:  # as right after the first factor: the codes page shows them once
                store[NEW_CODES_KEY] = self.new_codes
            store.save()
        return context
