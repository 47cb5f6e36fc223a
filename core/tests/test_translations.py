"""Every message catalogue is complete: German is the default language, so nothing may stay English."""

from pathlib import Path

import polib
from django.conf import settings
from django.test import SimpleTestCase


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
