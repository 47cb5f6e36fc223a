from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from accounts.models import ApiToken
from ideas.models import Idea, Moderation
from installation.testing import BaseTestCase, make_field, make_goal, make_idea
from projects.models import Project
from search.backends import Filters
from search.engine import CANDIDATES, run_search
from search.models import Audience, Document
from search.registry import index_objects, reindex, source
from search.tests.helpers import add_document

SEARCH = reverse("search:search")
SUGGEST = reverse("search:suggestions")


def kinds_and_titles(found) -> set[tuple[str, str]]:
    return {(r.kind, r.title_html) for r in found.results(found.hits)}


class IndexMaintenanceTests(BaseTestCase):
    def test_strategy_fields_and_goals_are_indexed_when_saved(self) -> None:
        kinds = set(Document.objects.values_list("kind", flat=True))
        self.assertEqual(kinds, {"strategy", "field", "goal"})
        self.term.definition = "Verwaltungsleistungen Ende-zu-Ende digital"
        self.term.save()  # a glossary entry is part of the strategy's document
        self.assertIn("Ende-zu-Ende", Document.objects.get(kind="strategy").body)
        self.goal.delete()
        self.assertFalse(Document.objects.filter(kind="goal").exists())

    def test_only_published_ideas_are_indexed_and_changes_follow(self) -> None:
        idea = make_idea(title="Sperrmüll online anmelden", moderation=Moderation.PENDING)
        self.assertFalse(Document.objects.filter(kind="idea", object_id=idea.pk).exists())
        idea.moderation = Moderation.PUBLISHED
        idea.save(update_fields=["moderation", "updated_at"])
        document = Document.objects.get(kind="idea", object_id=idea.pk)
        self.assertEqual((document.audience, document.status), (Audience.PUBLIC, Idea.Status.SUBMITTED))
        idea.moderation = Moderation.HIDDEN
        idea.save(update_fields=["moderation", "hidden_reason", "updated_at"])
        self.assertFalse(Document.objects.filter(kind="idea", object_id=idea.pk).exists())

    def test_saves_of_unindexed_fields_leave_the_index_alone(self) -> None:
        idea = make_idea(title="Bürger-WLAN")
        with CaptureQueriesContext(connection) as queries:
            idea.save(update_fields=["support_count"])
        self.assertFalse([q for q in queries if "search_document" in q["sql"]])

    def test_projects_carry_visibility_and_fields_of_action(self) -> None:
        project = Project.objects.create(title="E-Akte einführen", visibility=Project.Visibility.INTERNAL)
        project.fields_of_action.add(self.field)
        document = Document.objects.get(kind="project", object_id=project.pk)
        self.assertEqual((document.audience, document.field_id_list), (Audience.INTERNAL, [self.field.pk]))
        self.field.projects.remove(project)  # the reverse side of the relation
        self.assertEqual(Document.objects.get(kind="project", object_id=project.pk).field_id_list, [])
        project.delete()
        self.assertFalse(Document.objects.filter(kind="project").exists())

    def test_bulk_writes_are_caught_up_by_index_objects_and_reindex(self) -> None:
        ideas = Idea.objects.bulk_create(
            [Idea(title=f"Massenidee {i}", description="x", moderation="published") for i in range(3)]
        )
        self.assertFalse(Document.objects.filter(kind="idea").exists())
        index_objects(source("idea"), [i.pk for i in ideas])
        self.assertEqual(Document.objects.filter(kind="idea").count(), 3)
        Document.objects.all().delete()
        out = StringIO()
        call_command("search_reindex", stdout=out)
        self.assertIn("Indexed 6 documents", out.getvalue())  # 3 ideas, strategy, field, goal
        self.assertEqual(reindex(["idea"]), {"idea": 3})


class SearchTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.other_field = make_field(strategy=cls.strategy, title="Bildung und Schule")
        cls.idea = make_idea(
            title="Anträge für Wohngeld online stellen",
            description="Heute muss man für den Antrag dreimal ins Amt.",
            field_of_action=cls.field,
            status=Idea.Status.IN_POOL,
        )
        cls.school = make_idea(
            title="Schulanmeldung digital", description="Ein Antrag für die Schule.", field_of_action=cls.other_field
        )
        cls.hidden = make_idea(title="Geheimer Antrag", moderation=Moderation.HIDDEN)
        cls.public_project = Project.objects.create(title="Online-Anträge im Bürgerbüro", summary="Anträge digital")
        cls.internal_project = Project.objects.create(
            title="Interner Antrag auf Budget", visibility=Project.Visibility.INTERNAL
        )
        cls.team_doc = add_document(kind="idea", title="Antrag im Entwurf", audience=Audience.TEAM)

    def test_german_stems_find_inflected_words_and_rank_titles_first(self) -> None:
        found = run_search(text="Antrag", user=None)
        titles = [r.title_html for r in found.results(found.hits)]
        self.assertIn("<mark>Anträge</mark> für Wohngeld online stellen", titles)
        self.assertNotIn("Geheimer <mark>Antrag</mark>", titles)
        self.assertIn("<mark>", found.results(found.hits[:1])[0].title_html)  # title matches come first

    def test_each_persona_finds_what_they_may_see_and_nothing_else(self) -> None:
        expected = {
            None: {"idea", "project"},
            self.citizen: {"idea", "project"},
            self.staff: {"idea", "project", "internal"},
            self.council: {"idea", "project", "internal"},
            self.team: {"idea", "project", "internal", "team"},
            self.admin: {"idea", "project", "internal", "team"},
        }
        for user, allowed in expected.items():
            with self.subTest(user=user):
                found = run_search(text="Antrag", user=user)
                titles = " ".join(r.title_html for r in found.results(found.hits))
                self.assertEqual("Interner" in titles, "internal" in allowed)
                self.assertEqual("Entwurf" in titles, "team" in allowed)
                self.assertNotIn("Geheimer", titles)

    def test_non_public_documents_never_reach_page_facets_suggestions_or_api(self) -> None:
        for user in (None, self.citizen):
            self.login(user)
            for url in (
                f"{SEARCH}?q=Antrag",
                f"{SEARCH}?q=Antrag&type=project",
                f"{SEARCH}?q=Antrag&sort=date",
                f"{SUGGEST}?q=Inte",
                f"{SUGGEST}?q=Antrag",
                "/api/v1/search?q=Antrag&limit=100",
                "/api/v1/search?q=Interner",
            ):
                with self.subTest(user=user, url=url):
                    content = self.client.get(url).content.decode()
                    self.assertNotIn("Interner", content)
                    self.assertNotIn("Entwurf", content)
                    self.assertNotIn("Geheimer", content)
        self.login(None)
        response = self.client.get(f"{SEARCH}?q=Antrag")
        self.assertContains(response, "Projekt (1)")  # the internal project is not counted either

    def test_api_finds_internal_documents_with_a_staff_token(self) -> None:
        _, key = ApiToken.issue(user=self.staff, name="t")
        data = self.client.get("/api/v1/search?q=Interner", headers={"Authorization": f"Bearer {key}"}).json()
        self.assertEqual([(i["type"], i["id"]) for i in data["items"]], [("project", self.internal_project.pk)])
        self.assertEqual(set(data["items"][0]), {"type", "id", "title", "snippet", "score", "url", "status", "date"})
        self.assertEqual(
            self.client.get("/api/v1/search?q=x", headers={"Authorization": "Bearer nope"}).status_code, 401
        )

    def test_api_filters_by_type_and_paginates(self) -> None:
        data = self.client.get("/api/v1/search?q=Antrag&type=project").json()
        self.assertEqual([i["id"] for i in data["items"]], [self.public_project.pk])
        page = self.client.get("/api/v1/search?q=Antrag&limit=1&offset=1").json()
        self.assertEqual((len(page["items"]), page["count"]), (1, 3))
        self.assertEqual(self.client.get("/api/v1/search?q=Antrag&type=unbekannt").json()["count"], 3)
        self.assertEqual(self.client.get("/api/v1/search").json(), {"items": [], "count": 0})

    def test_facets_count_with_the_other_filters_and_filters_narrow(self) -> None:
        found = run_search(text="Antrag", user=None)
        self.assertEqual({f.value: f.count for f in found.facets["type"]}, {"idea": 2, "project": 1})
        self.assertEqual(
            {f.label: f.count for f in found.facets["field"]},
            {"Digitale Verwaltungsleistungen": 1, "Bildung und Schule": 1},
        )
        from search.engine import clean_filters

        narrowed = run_search(text="Antrag", user=None, filters=clean_filters(field=self.other_field.pk))
        self.assertEqual(
            [h.id for h in narrowed.hits], [Document.objects.get(kind="idea", object_id=self.school.pk).pk]
        )
        # The type facet now counts within the field; the field facet still shows both fields.
        self.assertEqual({f.value: f.count for f in narrowed.facets["type"]}, {"idea": 1})
        self.assertEqual(len(narrowed.facets["field"]), 2)
        by_status = run_search(text="Antrag", user=None, filters=clean_filters(statuses=["in_pool"]))
        self.assertEqual(len(by_status.hits), 1)

    def test_page_in_german_and_english_with_highlights_filters_and_sorting(self) -> None:
        response = self.client.get(f"{SEARCH}?q=Anträge")
        self.assertContains(response, "<mark>Anträge</mark> für Wohngeld online stellen", html=False)
        self.assertContains(response, "Eingrenzen")
        self.assertContains(response, "im Ideenpool")
        response = self.client.get(f"{SEARCH}?q=Anträge&type=idea&sort=date", headers={"Accept-Language": "en"})
        self.assertContains(response, "Narrow down")
        self.assertContains(response, 'aria-current="true"')
        self.assertNotContains(response, "Online-Anträge im Bürgerbüro")
        empty = self.client.get(f"{SEARCH}?q=Quantencomputer")
        self.assertContains(empty, "Nichts gefunden")
        self.assertContains(self.client.get(SEARCH), "Geben Sie ein oder mehrere Wörter ein")

    def test_markup_in_content_is_escaped(self) -> None:
        make_idea(title="<script>alert(1)</script> Antrag", description="<img src=x onerror=alert(1)> Antrag")
        response = self.client.get(f"{SEARCH}?q=Antrag")
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "<img src=x")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Antrag</mark>")

    def test_suggestions_while_typing_with_and_without_htmx(self) -> None:
        response = self.client.get(f"{SUGGEST}?q=Schulanm", headers={"HX-Request": "true"})
        self.assertContains(response, "<mark>Schulanmeldung</mark> digital")
        self.assertNotContains(response, "<html")
        page = self.client.get(f"{SUGGEST}?q=Schulanm")
        self.assertContains(page, "<html")
        self.assertContains(page, "Schulanmeldung")
        self.assertContains(self.client.get(f"{SUGGEST}?q=xyzzy", headers={"HX-Request": "true"}), "Kein Titel")

    def test_the_search_box_works_as_a_plain_form_and_announces_suggestions(self) -> None:
        response = self.client.get(SEARCH)
        self.assertContains(response, 'method="get"')
        self.assertContains(response, 'hx-get="/search/suggestions/"')
        self.assertContains(response, 'aria-live="polite"')

    def test_long_input_is_cut_with_a_notice(self) -> None:
        response = self.client.get(SEARCH, {"q": "Antrag " * 2000})
        self.assertContains(response, "auf die ersten 200 Zeichen gekürzt")
        self.assertContains(response, "Nur nach den ersten 10 Wörtern")

    def test_pages_use_a_constant_number_of_queries(self) -> None:
        def count(url: str) -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(queries)

        self.login(self.team)
        urls = [
            f"{SEARCH}?q=Antrag",
            f"{SEARCH}?q=Antrag&type=idea&page=2",
            "/api/v1/search?q=Antrag",
            f"{SUGGEST}?q=Antr",
        ]
        before = [count(url) for url in urls]
        for i in range(60):
            add_document(title=f"Antrag Nummer {i}", body="Antrag", field_ids=[self.field.pk], status="in_pool")
        self.assertEqual([count(url) for url in urls], before)

    def test_the_candidate_set_is_capped_and_says_so(self) -> None:
        from search.backends import backend

        Document.objects.bulk_create(
            [
                Document(
                    kind="idea",
                    object_id=800_000 + i,
                    title="Sperrmüll",
                    url="/",
                    audience="public",
                    title_stems="sperrmull",
                )
                for i in range(CANDIDATES + 5)
            ]
        )
        if connection.vendor == "postgresql":
            Document.objects.filter(object_id__gte=800_000).update(title_stems="")
        found = run_search(text="Sperrmüll", user=None)
        self.assertEqual(len(found.hits), CANDIDATES)
        self.assertTrue(found.capped)
        self.assertIsNotNone(backend())
        self.assertContains(self.client.get(f"{SEARCH}?q=Sperrmüll"), "Mehr als 1000 Treffer")

    def test_a_frequent_word_ranks_only_its_newest_matches_and_says_so(self) -> None:
        # Small numbers stand in for the real ones (best 1,000 of the newest 2,000 matches).
        old_titles = [add_document(title=f"Sperrmüll alt {i}", field_ids=[self.field.pk]).pk for i in range(3)]
        for i in range(12):
            add_document(title=f"Wertstoffhof {i}", body="Auch Sperrmüll wird dort angenommen.")
        new_titles = [add_document(title=f"Sperrmüll neu {i}", field_ids=[self.field.pk]).pk for i in range(2)]
        secret = add_document(title="Sperrmüll intern", audience=Audience.TEAM).pk
        with (
            mock.patch("search.engine.CANDIDATES", 5),
            mock.patch("search.engine.RANK_WINDOW", 10),
            mock.patch("search.backends.PROBE_DOCUMENTS", 10),
        ):
            found = run_search(text="Sperrmüll", user=None)
            self.assertTrue(found.windowed)
            self.assertEqual(len(found.hits), 5)
            # Title matches among the newest matches come first; older ones are outside the window.
            self.assertEqual({h.id for h in found.hits[:2]}, set(new_titles))
            self.assertFalse({h.id for h in found.hits} & set(old_titles))
            # The window holds only what the searcher may see.
            self.assertNotIn(secret, {h.id for h in found.hits})
            self.assertIn(secret, {h.id for h in run_search(text="Sperrmüll", user=self.team).hits})
            page = self.client.get(f"{SEARCH}?q=Sperrmüll")
            self.assertContains(page, "Mehr als 10 Treffer – gezeigt werden die besten 5 der 10 neuesten")
            english = self.client.get(f"{SEARCH}?q=Sperrmüll", headers={"Accept-Language": "en"})
            self.assertContains(english, "More than 10 results – showing the best 5 of the 10 newest")
            # A rarer word is still ranked over all its matches, old ones included.
            rare = run_search(text="Sperrmüll alt", user=None)
            self.assertFalse(rare.windowed)
            self.assertEqual({h.id for h in rare.hits}, set(old_titles))
            # A filter picks its window among the filtered matches.
            filtered = run_search(text="Sperrmüll", user=None, filters=Filters(kinds=("project",)))
            self.assertEqual((filtered.hits, filtered.windowed), ([], False))

            def count(url: str) -> int:
                with CaptureQueriesContext(connection) as queries:
                    self.assertEqual(self.client.get(url).status_code, 200)
                return len(queries)

            # The same queries as an ordinary search, however many matches there are.
            self.assertEqual(count(f"{SEARCH}?q=Sperrmüll"), count(f"{SEARCH}?q=Wohngeld"))
            self.assertEqual(count(f"{SEARCH}?q=Sperrmüll&type=idea"), count(f"{SEARCH}?q=Wohngeld&type=idea"))

    def test_a_word_rare_among_the_newest_documents_is_ranked_completely(self) -> None:
        old_titles = [add_document(title=f"Sperrmüll alt {i}").pk for i in range(3)]
        for i in range(12):
            add_document(title=f"Wertstoffhof {i}", body="Auch Sperrmüll wird dort angenommen.")
        for i in range(10):
            add_document(title=f"Radweg {i}", body="Ein neuer Radweg.")
        with (
            mock.patch("search.engine.CANDIDATES", 5),
            mock.patch("search.engine.RANK_WINDOW", 10),
            mock.patch("search.backends.PROBE_DOCUMENTS", 10),
        ):
            found = run_search(text="Sperrmüll", user=None)
        # More matches (15) than the window (10), but none among the newest 10 documents: not
        # frequent, so every match is ranked and the old title matches come first.
        self.assertFalse(found.windowed)
        self.assertTrue(found.capped)
        self.assertEqual({h.id for h in found.hits[:3]}, set(old_titles))


class BadInputTests(HypothesisTestCase):
    """Whatever is typed – syntax of FTS5, tsquery or SQL, emoji, control characters – never fails."""

    @classmethod
    def setUpTestData(cls) -> None:
        make_idea(title="Sperrmüll online anmelden", description="Termine für Sperrmüll per App.")

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.one_of(
            st.text(max_size=300),
            st.lists(
                st.sampled_from(
                    [
                        '"',
                        "*",
                        "-",
                        "OR",
                        "NEAR",
                        "AND",
                        "NOT",
                        "(",
                        ")",
                        "{",
                        "}",
                        ":",
                        "^",
                        "'",
                        "\\",
                        "&",
                        "|",
                        "!",
                        "<->",
                        ":*",
                        "%",
                        "_",
                        ";",
                        "--",
                        "😀",
                        "Sperrmüll",
                        "a",
                        "\x00",
                    ]
                ),
                max_size=30,
            ).map(" ".join),
        )
    )
    def test_any_text_is_searched_or_refused_politely(self, text: str) -> None:
        for url, params in ((SEARCH, {"q": text}), (SUGGEST, {"q": text}), ("/api/v1/search", {"q": text})):
            response = self.client.get(url, params)
            self.assertEqual(response.status_code, 200, (url, text))

    def test_ten_thousand_characters(self) -> None:
        for url in (SEARCH, SUGGEST, "/api/v1/search"):
            self.assertEqual(self.client.get(url, {"q": "Sperrmüll" * 1200}).status_code, 200)


class GoalSourceTests(BaseTestCase):
    def test_goals_are_found_under_their_field(self) -> None:
        goal = make_goal(field=self.field, title="Kita-Plätze online vergeben", indicator="Anteil digital")
        found = run_search(text="Kitaplatz OR Kita", user=None)
        result = found.results(found.hits)[0]
        self.assertEqual((result.kind, result.url), ("goal", goal.get_absolute_url()))
