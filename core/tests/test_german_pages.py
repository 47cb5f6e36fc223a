"""Every page of the authorisation matrix reads German: no English UI text is left on it.

The pages and who may open them come from the matrix (core/tests/test_roles.py and the apps'
`tests/roles.py`); each page is rendered in German as every persona that may open it. The visible
text (text nodes and the attributes people read: title, aria-label, placeholder, alt; without
scripts, styles and anything marked `lang` other than German) must contain none of the English
source strings of the catalogues whose German differs: a msgid (or a literal part of it between
placeholders) of two or more words, matched as whole words and case-sensitively, that no German
translation contains itself. See docs/architecture.md, "German on every page".
"""

import re
from collections import defaultdict
from html.parser import HTMLParser
from itertools import pairwise

import polib
from django.test import SimpleTestCase
from django.urls import reverse

from core.tests import test_roles
from core.tests.test_translations import catalogues
from installation.testing import BaseTestCase

# Placeholders of Python format strings, HTML tags of blocktranslate messages.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}|<[^>]+>")
WORD = re.compile(r"\w+")
EDGE = " \t\n.,:;!?()[]\"'„“”‚‘’–—-…/·|«»"
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
HIDDEN_ELEMENTS = {"script", "style", "template", "textarea"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def english_phrases() -> dict[tuple[str, str], list[str]]:
    """English source phrases of >= 2 words whose German differs, keyed by their first two words.

    A phrase that some German translation contains verbatim (a borrowed word such as "Open Data")
    is not English on a German page, so it is left out.
    """
    entries = [entry for path in catalogues() for entry in polib.pofile(str(path)) if not entry.obsolete]
    german = "\n".join(
        " ".join(text.split()) for entry in entries for text in [entry.msgstr, *entry.msgstr_plural.values()]
    )
    phrases: dict[tuple[str, str], list[str]] = defaultdict(list)
    for entry in entries:
        translations = [entry.msgstr, *entry.msgstr_plural.values()]
        for source in filter(None, [entry.msgid, entry.msgid_plural]):
            if source in translations:
                continue
            for part in PLACEHOLDER.split(source):
                phrase = " ".join(part.split()).strip(EDGE)
                words = WORD.findall(phrase)
                if len(words) >= 2 and phrase not in german and phrase not in phrases[(words[0], words[1])]:
                    phrases[(words[0], words[1])].append(phrase)
    return phrases


class VisibleText(HTMLParser):
    """The text a reader sees or hears, without scripts, styles and content marked as another language."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden) of the open elements

    @property
    def hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = (values.get("lang") or "de").split("-")[0]
        hidden = self.hidden or tag in HIDDEN_ELEMENTS or lang != "de"
        if not hidden:
            self.parts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.hidden:
            self.parts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed elements such as <p>, <li>
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        parser.close()
        return " ".join(" ".join(parser.parts).split())


def english_in(text: str, phrases: dict[tuple[str, str], list[str]]) -> set[str]:
    """The English phrases that occur in `text` as whole words."""
    found = set()
    words = list(WORD.finditer(text))
    for first, second in pairwise(words):
        for phrase in phrases.get((first.group(), second.group()), ()):
            end = first.start() + len(phrase)
            if text.startswith(phrase, first.start()) and (end == len(text) or not text[end].isalnum()):
                found.add(phrase)
    return found


class EnglishDetectionTests(SimpleTestCase):
    """The detector itself: what it must find and what it must leave alone."""

    def test_it_finds_english_ui_text_and_ignores_scripts_and_other_languages(self) -> None:
        phrases = english_phrases()
        html = (
            '<p>Projekt <select><option value="">- Select an option -</option></select></p>'
            '<button title="Follow this installation">Speichern</button><script>var x = "Follow this installation";</script>'
            '<p lang="en">Select an option</p>'
        )
        found = english_in(VisibleText.of(html), phrases)
        self.assertIn("Select an option", found)
        self.assertIn("Follow this installation", found)
        self.assertEqual(
            english_in(
                VisibleText.of('<p lang="en">Follow this installation</p><script>Follow this installation</script>'),
                phrases,
            ),
            set(),
        )


class GermanPagesTests(BaseTestCase):
    expectations = test_roles.AuthorisationMatrixTests.expectations

    def test_every_page_reads_german_for_every_persona_that_may_open_it(self) -> None:
        phrases = english_phrases()
        post_only = set().union(*(module.POST_ONLY for module in test_roles.app_matrices()))
        personas = self.personas()
        english: dict[str, set[str]] = {}
        pages = 0
        rows = [
            (name, allowed, kwargs) for name, (allowed, kwargs) in self.expectations().items() if name not in post_only
        ]
        for persona, user in personas.items():  # one login per persona, then every page it may open
            self.login(user)
            for name, allowed, kwargs in rows:
                if persona not in allowed:
                    continue
                url = reverse(name, kwargs=kwargs)
                response = self.client.get(url, headers={"accept-language": "de"})
                if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                    continue
                pages += 1
                found = english_in(VisibleText.of(response.content.decode()), phrases)
                if found:
                    english.setdefault(url, set()).update(f"{persona}: {phrase}" for phrase in found)
        self.assertGreater(pages, 200)
        self.assertEqual(english, {})
