"""Hypothesis-driven fuzzing of the idea import parser.

Whatever bytes arrive, the parser answers with clean rows or line-numbered errors and never
crashes; well-formed files in either encoding and with either separator come back intact.
"""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from ideas.importing import parse_ideas
from ideas.models import DESCRIPTION_MAX, TITLE_MAX

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Cell text without NUL and carriage returns (csv turns "\r" into line breaks on its own).
cell_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\r"), max_size=60)


class ImportFuzzTests(TestCase):
    def assert_well_formed(self, result) -> None:
        for line, message in result.errors:
            self.assertIsInstance(line, int)
            self.assertGreaterEqual(line, 1)
            self.assertTrue(str(message))
        self.assertTrue(result.rows or result.errors, "neither rows nor errors")
        for row in result.rows:
            self.assertTrue(row["title"])
            self.assertLessEqual(len(row["title"]), TITLE_MAX)
            self.assertLessEqual(len(row["description"]), DESCRIPTION_MAX)

    @FUZZ
    @given(st.binary(max_size=2000))
    def test_arbitrary_bytes_never_crash(self, data: bytes) -> None:
        self.assert_well_formed(parse_ideas(data))

    @FUZZ
    @given(st.binary(max_size=2000))
    def test_broken_excel_files_never_crash(self, data: bytes) -> None:
        self.assert_well_formed(parse_ideas(b"PK\x03\x04" + data))

    @FUZZ
    @given(st.lists(st.lists(cell_text, max_size=6), max_size=8), st.sampled_from([";", ","]))
    def test_arbitrary_tables_under_a_valid_header_never_crash(self, rows: list, delimiter: str) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter)
        writer.writerow(["Titel", "Beschreibung", "Handlungsfeld", "Status", "Eingereicht am", "Quelle"])
        writer.writerows(rows)
        self.assert_well_formed(parse_ideas(buffer.getvalue().encode("utf-8")))

    @FUZZ
    @given(
        st.lists(
            st.tuples(
                cell_text.map(str.strip).filter(bool),
                cell_text.map(str.strip).filter(bool),
            ),
            min_size=1,
            max_size=6,
        ),
        st.sampled_from([";", ","]),
        st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    )
    def test_valid_files_come_back_intact(self, ideas: list, delimiter: str, encoding: str) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter)
        writer.writerow(["Titel", "Beschreibung"])
        writer.writerows(ideas)
        try:
            data = buffer.getvalue().encode(encoding)
        except UnicodeEncodeError:
            data = buffer.getvalue().encode("utf-8")  # text Windows-1252 cannot hold
        result = parse_ideas(data)
        self.assertEqual(result.errors, [])
        self.assertEqual([(r["title"], r["description"]) for r in result.rows], ideas)
