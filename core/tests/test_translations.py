"""Every message catalogue is complete: German is the default language, so nothing may stay English."""

from pathlib import Path

import polib
from django.conf import settings
from django.test import SimpleTestCase
from django.urls import reverse

from installation.testing import BaseTestCase


def catalogues() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return sorted([*root.glob("locale/*/LC_MESSAGES/*.po"), *root.glob("*/locale/*/LC_MESSAGES/*.po")])


class TranslationTests(SimpleTestCase):
    def test_the_catalogues_are_found(self) -> None:
        self.assertIn(Path(settings.BASE_DIR) / "locale/de/LC_MESSAGES/django.po", catalogues())

    def test_no_entry_is_untranslated_or_fuzzy(self) -> None:
        for path in catalogues():
            catalogue = polib.pofile(str(path))
            missing = [entry.msgid for entry in catalogue.untranslated_entries()]
            fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
            self.assertEqual((missing, fuzzy), ([], []), str(path))


class EmptyChoiceTests(BaseTestCase):
    """Django 6.1's "- Select an option -" has no German of its own; Etappe's catalogue gives it one."""

    def test_selects_offer_their_empty_choice_in_german(self) -> None:
        self.login(self.team)
        for url in (reverse("projects:create"), reverse("lessons:create")):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertNotContains(response, "Select an option")
            self.assertContains(response, "– Bitte auswählen –")
