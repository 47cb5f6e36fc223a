"""The similar-ideas panel says "none found" only after it has looked."""

from unittest import mock

from django.urls import reverse

from ideas import similarity
from installation.testing import BaseTestCase, make_idea

HTMX = {"HTTP_HX_REQUEST": "true"}


class SimilarPanelTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_idea(title="Parkausweis für Anwohnende online beantragen", description="Mit Nachweis-Upload.")
        words_only = mock.patch.object(similarity, "get_embedder", lambda: None)
        words_only.start()
        self.addCleanup(words_only.stop)

    def panel(self, title: str):
        return self.client.get(reverse("ideas:similar"), {"title": title}, **HTMX)

    def test_below_eight_characters_nothing_is_looked_up_and_nothing_claimed(self) -> None:
        response = self.panel("Park")
        self.assertNotContains(response, "Keine ähnlichen Ideen gefunden.")
        self.assertContains(response, "Während Sie schreiben")

    def test_after_looking_it_says_when_nothing_is_close(self) -> None:
        self.assertContains(self.panel("Hundewiese im Stadtpark einzäunen"), "Keine ähnlichen Ideen gefunden.")
        self.assertContains(self.panel("Anwohnerparkausweis online beantragen"), "Parkausweis für Anwohnende")
