"""The Impressum and the privacy notice: their public pages, how their text is shown, their placeholders.

The administrator writes plain text with a little structure (a line "## " starts a heading, "### "
a subheading, "- " an item of a list; an empty line a new paragraph). Everything is escaped first;
only the structure, links for web and e-mail addresses and the marks of placeholders are markup.
"""

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import conditional_escape, format_html, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from municipality.models import LegalPage
from municipality.permissions import can_edit_legal_pages

EDIT_URLS: dict[str, str] = {
    LegalPage.Kind.IMPRINT: "municipality:edit_imprint",
    LegalPage.Kind.PRIVACY: "municipality:edit_privacy",
}

# A part the administrator must still fill in: [[Postleitzahl und Ort]].
PLACEHOLDER = re.compile(r"\[\[(.+?)\]\]")


def placeholders(text: str) -> list[str]:
    """The placeholders left in a legal text, in order."""
    return PLACEHOLDER.findall(text)


def _inline(text: str) -> str:
    """One line or paragraph: escaped, web and e-mail addresses linked, placeholders marked."""
    linked = urlize(text, nofollow=True, autoescape=True).replace("<a href=", '<a class="kern-link" href=')
    # The text is escaped by now, so a placeholder's content is too.
    return PLACEHOLDER.sub(r'<mark class="legal-placeholder">[[\1]]</mark>', linked)


def render_text(text: str) -> SafeString:
    """The legal text as HTML: headings, lists and paragraphs, nothing else the writer typed."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    html = [part for block in blocks for part in _block([line.strip() for line in block.split("\n")])]
    return mark_safe("\n".join(html))  # noqa: S308 - all of the writer's text went through _inline's escaping


def _block(lines: list[str]) -> list[str]:
    """One block between empty lines: headings, a list, lines of a paragraph."""
    html: list[str] = []
    items: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if items:
            html.append('<ul class="kern-list kern-list--bullet">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()
        if paragraph:
            html.append('<p class="kern-body">' + "<br>".join(paragraph) + "</p>")
            paragraph.clear()

    for line in filter(None, lines):
        if line.startswith(("## ", "### ")):
            flush()
            level, title = line.split(" ", 1)
            tag, css = ("h2", "kern-heading-medium") if level == "##" else ("h3", "kern-heading-small")
            html.append(f'<{tag} class="{css}">{_inline(title.strip())}</{tag}>')
        elif line.startswith(("- ", "* ")):
            if paragraph:
                flush()
            items.append(_inline(line[2:].strip()))
        elif items:  # a line that goes on with the item above
            items[-1] += " " + _inline(line)
        else:
            paragraph.append(_inline(line))
    flush()
    return html


def _legal_page(request: HttpRequest, kind: str) -> HttpResponse:
    page = LegalPage.objects.for_kind(kind)
    context = {
        "page": page,
        "body": render_text(page.text),
        "incomplete": bool(placeholders(page.text)),
        "can_edit": can_edit_legal_pages(request.user),
        "edit_url": reverse(EDIT_URLS[kind]),
    }
    return render(request, "municipality/legal_page.html", context)


def imprint(request: HttpRequest) -> HttpResponse:
    """The Impressum (§ 5 DDG)."""
    return _legal_page(request, LegalPage.Kind.IMPRINT)


def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice (Datenschutzerklärung, Art. 13/14 DSGVO)."""
    return _legal_page(request, LegalPage.Kind.PRIVACY)


def _privacy_hint() -> str:
    link = format_html('<a class="kern-link" href="{}">{}</a>', reverse("core:privacy"), _("privacy notice"))
    return format_html(conditional_escape(_("Read more in our {link}.")), link=link)


# The hint beside every consent checkbox (help text, shown unescaped by core/forms/field.html).
PRIVACY_HINT = lazy(_privacy_hint, str)()
