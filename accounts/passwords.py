"""The password rules (OWASP ASVS 5.0, level 2, section V6.2), as Django password validators.

`config/settings.py` lists them in AUTH_PASSWORD_VALIDATORS; every form that sets a password
(registration, change, reset, invitation) checks them and shows their help texts. See
docs/accounts.md, "Password rules", for why each rule is there and why there are no others.
"""

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

    def get_help_text(self) -> str:
        return _("Not a password that is commonly used or known from data breaches.")


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """Django's similarity rule, against the attributes our accounts have (Django's default looks
    for username, first_name and last_name, which `accounts.User` does not have)."""

    def __init__(self, user_attributes=("email", "full_name"), max_similarity: float = 0.7) -> None:
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

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
