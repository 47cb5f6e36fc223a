"""Hypothesis-driven fuzzing of what a peer may send: the validator, signature check and cleaning.

Whatever JSON arrives, `accept_page()` either refuses the page with a reason (and writes nothing)
or stores clean items; it never fails in another way. Whatever bytes arrive, `parse_json()` either
returns a value or refuses it with a reason. Received text never keeps markup or control
characters and never exceeds its limits.
"""

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from exchange.fetching import FeedRefused as ParseRefused
from exchange.fetching import parse_json
from exchange.models import Peer, ReceivedItem
from exchange.received import FeedRefused, PageResult, accept_page
from exchange.samples import FakeInstallation, lesson_data, project_data

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
TOWN = FakeInstallation()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
# Where a mutation lands in an otherwise valid page.
PATHS = [
    ("format",),
    ("version",),
    ("publisher",),
    ("publisher", "public_key"),
    ("publisher", "name"),
    ("publisher", "ars"),
    ("cursor",),
    ("next",),
    ("items",),
    ("items", 0),
    ("items", 0, "uid"),
    ("items", 0, "type"),
    ("items", 0, "changed_at"),
    ("items", 0, "withdrawn"),
    ("items", 0, "signature"),
    ("items", 0, "data"),
    ("items", 0, "data", "title"),
    ("items", 1, "data", "outcome"),
]
hostile_text = st.lists(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20)
    | st.sampled_from(["<", ">", "<script>", "</b>", "<img src=x onerror=alert(1)>", "\x00", "\x1b", "&amp;"]),
    max_size=40,
).map("".join)


# Numbers a hostile peer may send: NaN, infinities, integers far beyond 2^53, and nesting.
hostile_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**40), max_value=10**40) | st.floats() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=30,
)


def valid_page() -> dict:
    return TOWN.page([TOWN.item("project", 1, project_data()), TOWN.item("lesson", 2, lesson_data())])


class ValidatorFuzzTests(TestCase):
    def accept(self, page) -> PageResult | None:
        """The page's result, or None when it was refused, in which case nothing may be written."""
        peer = Peer.objects.create(url="https://etappe.musterstadt.example")
        try:
            return accept_page(peer, page)
        except FeedRefused as refusal:
            self.assertTrue(str(refusal))
            self.assertFalse(ReceivedItem.objects.exists())
            peer.refresh_from_db()
            self.assertEqual(peer.public_key, "")
            return None

    @FUZZ
    @given(json_values)
    def test_arbitrary_json_is_refused_with_a_reason(self, page) -> None:
        self.assertIsNone(self.accept(page))

    @FUZZ
    @given(st.sampled_from(PATHS), json_values)
    def test_a_valid_page_with_one_field_replaced_never_breaks_the_sync(self, path, value) -> None:
        page = copy.deepcopy(valid_page())
        target = page
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        result = self.accept(page)
        if result is not None:
            self.assertEqual(result.stored + result.withdrawn, len(page["items"]))
            self.assertEqual(ReceivedItem.objects.count(), result.stored)

    @FUZZ
    @given(hostile_text, hostile_text)
    def test_received_text_is_plain_and_bounded(self, title, summary) -> None:
        page = TOWN.page([TOWN.item("project", 1, project_data(title=title, summary=summary))])
        result = self.accept(page)
        if result is None:  # the schema refuses, e.g., an empty title
            return
        self.assertEqual(result.stored, 1)
        item = ReceivedItem.objects.get()
        for text, limit in ((item.title, 200), (item.summary, 1000)):
            self.assertLessEqual(len(text), limit)
            self.assertNotRegex(text, r"<[^>]*>")
            self.assertFalse(any(ord(c) < 32 and c not in "\t\n\r" for c in text), repr(text))

    @FUZZ
    @given(st.binary(max_size=200))
    def test_arbitrary_bytes_are_parsed_or_refused_with_a_reason(self, body) -> None:
        try:
            value = parse_json(body, max_bytes=10_000)
        except ParseRefused as refusal:
            self.assertTrue(str(refusal))
            return
        self.assertIsNone(self.accept(value))

    @FUZZ
    @given(st.sampled_from(PATHS), hostile_values)
    def test_hostile_numbers_are_refused_before_the_page_is_read(self, path, value) -> None:
        page = copy.deepcopy(valid_page())
        target = page
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        try:
            parsed = parse_json(json.dumps(page).encode(), max_bytes=1_000_000)
        except ParseRefused:
            return
        result = self.accept(parsed)
        if result is not None:
            self.assertEqual(ReceivedItem.objects.count(), result.stored)
