"""Atom feeds whose entries carry people's text as text, never as markup.

Django's `Atom1Feed` marks every summary `type="html"`: a feed reader then renders the text
(escaped once by the XML writer) as HTML, so a title or description like `<script>` or
`<img src=x onerror=…>` would run in the reader. Every feed of Etappe uses `TextAtom1Feed`.
"""

import re
from typing import Any, overload

from django.utils.feedgenerator import Atom1Feed

# Characters XML 1.0 cannot carry; Django's XML writer refuses them with an exception (a 500).
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@overload
def xml_text(value: str) -> str: ...
@overload
def xml_text(value: str | None) -> str | None: ...
def xml_text(value: str | None) -> str | None:
    """`value` without the characters XML 1.0 cannot carry (a feed shows the rest as it is)."""
    return _XML_FORBIDDEN.sub("", value) if value is not None else None


class TextAtom1Feed(Atom1Feed):
    """Atom 1.0 with `<summary type="text">`: user text reaches feed readers as plain text."""

    # Django's Feed passes everything after the description by keyword, as Atom1Feed takes it.
    def add_item(self, title: Any, link: str, description: Any, **kwargs: Any) -> None:  # type: ignore[override]
        kwargs["categories"] = [xml_text(str(category)) for category in kwargs.get("categories") or ()]
        super().add_item(xml_text(str(title)), link, xml_text(description), **kwargs)

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})
