from django.test import SimpleTestCase

from core.text import stem_text, stems
from search.backends import PostgresBackend, SqliteBackend, excerpt, highlight, marked_html
from search.query import MAX_CHARS, MAX_WORDS, Term, parse, words_of


class QueryParsingTests(SimpleTestCase):
    def test_words_phrases_exclusions_and_or(self) -> None:
        query = parse('Parkausweis "digitale Akte" -Papier Kita OR Schule')
        self.assertEqual(
            query.clauses,
            [[Term(("parkausweis",))], [Term(("digitale", "akte"))], [Term(("kita",)), Term(("schule",))]],
        )
        self.assertEqual(query.excluded, [Term(("papier",), negated=True)])

    def test_syntax_of_fts_and_sql_is_only_text(self) -> None:
        for text in ["NEAR(a b)", "x*", "')); DROP TABLE search_document; --", "{title_stems}: x", "a AND b", "^x"]:
            query = parse(text)
            for clause in query.clauses:
                for term in clause:
                    self.assertTrue(all(w.isalnum() for w in term.words), (text, term))

    def test_only_exclusions_are_read_as_words(self) -> None:
        self.assertEqual(parse("-Papier").clauses, [[Term(("papier",))]])

    def test_a_dangling_or_is_ignored(self) -> None:
        self.assertEqual(parse("OR Kita OR").clauses, [[Term(("kita",))]])

    def test_long_input_is_cut_and_says_so(self) -> None:
        query = parse("Wort " * 2000)
        self.assertTrue(query.truncated)
        self.assertLessEqual(len(query.text), MAX_CHARS)
        self.assertTrue(query.words_dropped)
        self.assertEqual(len(query.positive_words), MAX_WORDS)
        self.assertEqual(len(words_of("a " * 500)), MAX_WORDS)

    def test_sqlite_expression_quotes_every_stem(self) -> None:
        expression = SqliteBackend().expression(parse('Anträge "für die Bürger" -Papier Kita OR Schulen'))
        self.assertEqual(expression, '("antrag" AND "burg" AND ("kita" OR "schul")) NOT ("papi")')

    def test_stop_words_alone_give_no_expression(self) -> None:
        self.assertIsNone(SqliteBackend().expression(parse("die und der")))

    def test_postgres_query_passes_words_as_parameters(self) -> None:
        sql, params = PostgresBackend.tsquery(parse('Kita OR Schule "digitale Akte" -Papier'))
        self.assertNotIn("Kita", sql)
        self.assertEqual(params, ["kita", "schule", "digitale akte", "papier"])
        self.assertEqual(sql.count("%s"), 4)


class GermanTextTests(SimpleTestCase):
    def test_snowball_stems_fold_inflections_and_umlauts(self) -> None:
        self.assertEqual(stems("Anträge Antrag"), ["antrag", "antrag"])
        self.assertEqual(stems("Bürgerinnen und Bürger"), ["burg", "burg"])
        self.assertEqual(stem_text("die Straße"), "strass")

    def test_highlight_escapes_html_and_marks_matches(self) -> None:
        html = marked_html(highlight("<b>Anträge</b> & mehr", {"antrag"}))
        self.assertEqual(html, "&lt;b&gt;<mark>Anträge</mark>&lt;/b&gt; &amp; mehr")

    def test_excerpt_shows_the_part_with_the_matches(self) -> None:
        text = " ".join(["Füllwort"] * 100) + " Der Sperrmüll wird abgeholt. " + " ".join(["Ende"] * 100)
        html = marked_html(excerpt(text, {"sperrmull"}))
        self.assertIn("<mark>Sperrmüll</mark>", html)
        self.assertTrue(html.startswith("… ") and html.endswith(" …"))
        self.assertLess(len(html), 400)
