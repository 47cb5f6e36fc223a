"""The password rules (OWASP ASVS 5.0, level 2, section V6.2), as Django password validators.

`config/settings.py` lists them in AUTH_PASSWORD_VALIDATORS; every form that sets a password
(registration, change, reset, invitation) checks them and shows their help texts. See
docs/accounts.md, "Password rules", for why each rule is there and why there are no others.
"""

import itertools
import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# ASVS 6.1.2 / 6.2.11: words that belong to this platform and its users' context and make a
# password easy to guess. The municipality's own name is added from the database.
CONTEXT_WORDS = (
    "etappe",
    "passwort",
    "password",
    "kennwort",
    "geheim",
    "rathaus",
    "verwaltung",
    "gemeinde",
    "kommune",
    "stadt",
    "digitalisierung",
    "strategie",
)
# What must remain of a password once the context words are taken out (ASVS 6.2.1's minimum).
CONTEXT_REST_MIN = 8


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule; its help text also says that nothing else about the characters is
    required (ASVS 6.2.5) and that long passphrases are welcome (6.2.9)."""

    def get_help_text(self) -> str:
        return ngettext(
            "At least %(min_length)d character. Spaces, umlauts and special characters are allowed, none is "
            "required; a long passphrase of several words is best.",
            "At least %(min_length)d characters. Spaces, umlauts and special characters are allowed, none is "
            "required; a long passphrase of several words is best.",
            self.min_length,
        ) % {"min_length": self.min_length}


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of 19,640 passwords most often found in breaches (see docs/accounts.md)."""

    def get_error_message(self) -> str:
        return _("This password is used too often.")

    def get_help_text(self) -> str:
        return _(
            "Not a password from a list of about 20,000 passwords that are often used and known from data breaches."
        )


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """Django's similarity rule, against the attributes our accounts have (Django's default looks
    for username, first_name and last_name, which `accounts.User` does not have)."""

    def __init__(self, user_attributes=("email", "full_name"), max_similarity: float = 0.7) -> None:
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def validate(self, password: str, user=None) -> None:
        try:
            super().validate(password, user)
        except ValidationError as error:
            # Django's message names the field by its verbose name ("zu ähnlich zu E-Mail-Adresse").
            email = str(user._meta.get_field("email").verbose_name) if user is not None else None
            if error.params and error.params.get("verbose_name") == email:
                message = _("The password is too similar to your e-mail address.")
            else:
                message = _("The password is too similar to your name.")
            raise ValidationError(message, code="password_too_similar") from None

    def get_help_text(self) -> str:
        return _("Not similar to your name or e-mail address.")


def _context_words() -> list[str]:
    from municipality.models import Municipality

    words = list(CONTEXT_WORDS)
    municipality = Municipality.objects.current()
    if municipality is not None:
        words += [word for word in re.split(r"\W+", municipality.name.lower()) if len(word) >= 4]
    return sorted(set(words), key=len, reverse=True)


class ContextWordsValidator:
    """Refuses a password that is mostly words of this platform's context (ASVS 6.2.11): the
    name of the platform or the municipality, "Passwort" and the like, with a few characters
    around them ("Lindenfeld2025!"). A passphrase that merely contains such a word is fine."""

    def validate(self, password: str, user=None) -> None:
        rest = password.lower()
        found = False
        for word in _context_words():
            if word in rest:
                found = True
                rest = rest.replace(word, "")
        if found and len(rest) < CONTEXT_REST_MIN:
            raise ValidationError(
                _(
                    "This password consists mostly of the name of the platform, the municipality or a word like “Passwort”."
                ),
                code="password_context_words",
            )

    def get_help_text(self) -> str:
        return _("Not mostly the name of the platform or the municipality.")


# Rows of German and English keyboards: neighbouring keys make a predictable run ("qwertz", "asdf").
KEYBOARD_ROWS = (
    "^1234567890ß´",
    "qwertzuiopü+",
    "asdfghjklöä#",
    "<yxcvbnm,.-",
    "qwertyuiop[]",
    "asdfghjkl;'",
    "zxcvbnm,./",
)
# Runs shorter than this are ordinary in words ("st", "er") and not counted.
RUN_MIN = 3
# A password that is one short part repeated ("blaublaublau") is predictable; a long passphrase
# typed three times is not refused for it.
REPEATED_PART_MAX = 6
# Words people build passwords from, to which they add a year, digits or punctuation
# ("Sommer2024!!"): seasons, months, days, greetings and the like. Compared in lower case.
COMMON_WORDS = (
    "frühling",
    "fruehling",
    "sommer",
    "herbst",
    "winter",
    "januar",
    "februar",
    "märz",
    "maerz",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "dezember",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "hallo",
    "willkommen",
    "welcome",
    "passwort",
    "password",
    "kennwort",
    "geheim",
    "schatz",
    "liebe",
    "ichliebedich",
    "iloveyou",
    "sonne",
    "sonnenschein",
    "fussball",
    "fußball",
    "deutschland",
    "admin",
    "login",
    "test",
    "qwertz",
    "qwerty",
)


def _linked(a: str, b: str) -> bool:
    """Whether `b` predictably follows `a`: the same character, the next or previous letter or
    digit, or a neighbouring key."""
    if a == b:
        return True
    if a.isalnum() and b.isalnum() and abs(ord(a) - ord(b)) == 1:
        return True
    return any(a + b in row or b + a in row for row in KEYBOARD_ROWS)


def predictable_characters(password: str) -> int:
    """How many characters of `password` belong to runs of repeated, sequential or neighbouring
    characters ("aaaa", "1234", "cba", "qwertz") at least RUN_MIN long, or to a part of at most
    REPEATED_PART_MAX characters repeated three times or more ("blaublaublau")."""
    password = password.lower()
    if re.fullmatch(rf"(.{{1,{REPEATED_PART_MAX}}})\1{{2,}}", password, flags=re.DOTALL):
        return len(password)
    count, run = 0, 1
    for previous, current in itertools.pairwise(password):
        if _linked(previous, current):
            run += 1
        else:
            count += run if run >= RUN_MIN else 0
            run = 1
    return count + (run if run >= RUN_MIN else 0)


class PredictablePasswordValidator:
    """Refuses predictable passwords (ASVS 6.2.11) without rules about the kinds of characters
    (6.2.5): a password that is mostly a run of repeated, sequential or neighbouring keys
    ("123456789012", "aaaaaaaaaaaa", "qwertzuiopü1"), or nothing but common words such as a season
    or a month with digits and punctuation ("sommer2024!!"). See docs/accounts.md."""

    def validate(self, password: str, user=None) -> None:
        if password and predictable_characters(password) * 2 > len(password):
            raise ValidationError(
                _("This password consists mostly of a sequence of digits, letters or keyboard keys."),
                code="password_predictable_sequence",
            )
        rest = password.lower()
        found = False
        for word in sorted(COMMON_WORDS, key=len, reverse=True):
            if word in rest:
                found = True
                rest = rest.replace(word, "")
        if found and not any(character.isalpha() for character in rest):
            raise ValidationError(
                _(
                    "This password consists only of a common word such as a season or a month with digits or punctuation."
                ),
                code="password_common_word",
            )

    def get_help_text(self) -> str:
        return _("No sequence of digits or keyboard keys, and not just a common word with a year or digits.")
