"""The password rules (ASVS 5.0 level 2, accounts/passwords.py) on every form that sets a password."""

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import invitation_token, person_invite
from installation.testing import PASSWORD, BaseTestCase


class PasswordRulesTests(BaseTestCase):
    def refused(self, password: str, user: User | None = None) -> list[str]:
        try:
            password_validation.validate_password(password, user or self.citizen)
        except ValidationError as error:
            return [e.code for e in error.error_list]
        return []

    def test_it_asks_for_twelve_characters_by_default(self) -> None:
        self.assertEqual(settings.ETAPPE_PASSWORD_MIN_LENGTH, 12)
        self.assertIn("password_too_short", self.refused("blau-gruen7"))  # 11
        self.assertEqual(self.refused("blau-gruen-7"), [])  # 12

    def test_it_allows_long_passphrases_without_truncating_them(self) -> None:
        long = "ein sehr langer Satz über den Weg zur digitalen Verwaltung in vielen Etappen " * 3
        self.assertGreater(len(long), 200)
        self.assertEqual(self.refused(long), [])
        self.citizen.set_password(long)
        self.assertFalse(self.citizen.check_password(long[:64]))
        self.assertTrue(self.citizen.check_password(long))

    def test_it_has_no_composition_rules(self) -> None:
        for password in ("839274619305", "nur kleine buchstaben", "ÄÖÜ äöü ß € ☃ 𝄞 …", "  mit   Leerzeichen  "):
            self.assertEqual(self.refused(password), [], password)

    def test_it_refuses_passwords_common_in_breaches(self) -> None:
        self.assertIn("password_too_common", self.refused("1q2w3e4r5t6y"))
        self.assertIn("password_too_common", self.refused("QWERTY123456"))  # case does not matter

    def test_it_refuses_predictable_sequences_without_rules_about_kinds_of_characters(self) -> None:
        for password in (
            "123456789012",
            "aaaaaaaaaaaa",
            "qwertzuiopü1",
            "abcdefghijkl",
            "blau12345678",
            "abcabcabcabc",
            "blaublaublau",
        ):
            self.assertIn("password_predictable_sequence", self.refused(password), password)
        # A short run inside a password is fine; so are digits that follow no pattern.
        for password in ("meinhund1234", "Wertsachen12", "839274619305", "Studium2017!"):
            self.assertNotIn("password_predictable_sequence", self.refused(password), password)

    def test_it_refuses_a_common_word_with_a_year_or_digits(self) -> None:
        for password in ("sommer2024!!", "Winter 2025 !", "Januar123456", "hallohallo12", "Passwort2024"):
            self.assertIn("password_common_word", self.refused(password), password)
        self.assertEqual(self.refused("Im Sommer fahren wir 2024 ans Meer"), [])

    def test_its_messages_are_our_own_not_djangos(self) -> None:
        """Django's German ("zu ähnlich zu E-Mail-Adresse", "zu üblich") is replaced by ours."""
        from django.utils.translation import gettext as _

        user = User(email="maximiliane.musterfrau@example.org", full_name="Maximiliane Musterfrau")
        for password, message in (
            ("maximiliane.musterfrau@example", _("The password is too similar to your e-mail address.")),
            ("MaximilianeMusterfrau", _("The password is too similar to your name.")),
            ("qwertz123", _("This password is used too often.")),
        ):
            if password == "MaximilianeMusterfrau":
                user.email = "post.mm7@example.org"
            with self.assertRaises(ValidationError) as raised:
                password_validation.validate_password(password, user)
            self.assertIn(message, raised.exception.messages, password)

    def test_it_refuses_passwords_like_the_persons_name_or_address(self) -> None:
        user = User(email="maximiliane.musterfrau@example.org", full_name="Maximiliane Musterfrau")
        self.assertIn("password_too_similar", self.refused("MaximilianeMusterfrau", user))
        self.assertIn("password_too_similar", self.refused("maximiliane.musterfrau@example", user))

    def test_it_refuses_passwords_that_are_mostly_words_of_the_platform_or_the_municipality(self) -> None:
        self.assertIn("password_context_words", self.refused("Teststadt2025!"))
        self.assertIn("password_context_words", self.refused("etappe-passwort"))
        self.assertEqual(self.refused("Mein Rad fährt gern durch die Teststadt"), [])


class PasswordHelpTextTests(BaseTestCase):
    """Every page that sets a password states the rules (in the reader's language)."""

    def assert_states_the_rules(self, response) -> None:
        self.assertEqual(response.status_code, 200)
        for validator in password_validation.get_default_password_validators():
            self.assertContains(response, validator.get_help_text())
        self.assertContains(response, "12")

    def test_registration_shows_the_rules(self) -> None:
        self.client.post(reverse("accounts:register"), {"email": "neu@example.org"})
        from django.core import mail

        line = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/confirm/" in line)
        self.assert_states_the_rules(self.client.get(line[line.index("/accounts/") :].strip()))

    def test_password_change_shows_the_rules(self) -> None:
        self.login(self.citizen)
        self.assert_states_the_rules(self.client.get(reverse("accounts:password_change")))

    def test_password_reset_shows_the_rules(self) -> None:
        uid = urlsafe_base64_encode(force_bytes(self.citizen.pk))
        token = default_token_generator.make_token(self.citizen)
        response = self.client.get(reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True)
        self.assert_states_the_rules(response)

    def test_invitation_shows_the_rules_and_refuses_a_short_password(self) -> None:
        person = person_invite(full_name="Neu Person", email="neu@example.org", role="staff", units=[], by=self.admin)
        path = reverse("accounts:invitation", args=[invitation_token(person)])
        self.assert_states_the_rules(self.client.get(path))
        response = self.client.post(path, {"new_password1": "kurz-11-ab", "new_password2": "kurz-11-ab"})
        self.assertEqual(response.status_code, 200)
        person.refresh_from_db()
        self.assertFalse(person.has_usable_password())

    def test_a_password_change_to_a_long_passphrase_works(self) -> None:
        self.login(self.citizen)
        phrase = "x" * 10 + " und noch ein langer Satz, der weit über vierundsechzig Zeichen hinausgeht, " * 2
        response = self.client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": phrase, "new_password2": phrase},
        )
        self.assertRedirects(response, reverse("accounts:profile"), fetch_redirect_response=False)
        self.citizen.refresh_from_db()
        self.assertTrue(self.citizen.check_password(phrase))

    def test_a_password_change_is_confirmed_and_the_address_told(self) -> None:
        from django.core import mail

        self.login(self.citizen)
        new = "ein neuer Satz als Passwort"
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("accounts:password_change"),
                {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
                follow=True,
            )
        self.assertContains(response, _("Your password was changed. We sent a notice to your e-mail address."))
        self.assertEqual(len(mail.outbox), 1)
        notice = mail.outbox[0]
        self.assertEqual(notice.to, [self.citizen.email])
        self.assertEqual(notice.subject, _("Your password at Etappe was changed"))
        self.assertIn(reverse("accounts:password_reset"), notice.body)
        self.assertNotIn(new, notice.body)

    def test_a_refused_password_change_tells_nobody(self) -> None:
        from django.core import mail

        self.login(self.citizen)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("accounts:password_change"),
                {"old_password": PASSWORD, "new_password1": "123456789012", "new_password2": "123456789012"},
            )
        self.assertEqual(mail.outbox, [])
