"""The accessibility statement (Erklärung zur Barrierefreiheit) and the page in Leichte Sprache.

Both name the municipality's contact for reported barriers; the statement also its dates and the
enforcement body, which the municipality keeps on its settings page.
"""

import datetime
from email.utils import parseaddr

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from municipality.models import Municipality

# When the accessibility statement was prepared and last reviewed; update both on every review.
ACCESSIBILITY_STATEMENT_PREPARED = datetime.date(2026, 11, 28)
ACCESSIBILITY_STATEMENT_REVIEWED = datetime.date(2026, 11, 28)


def feedback_contact(municipality: Municipality | None) -> dict[str, str]:
    """Where people report barriers: the municipality's contact address if it has one, else the
    platform's own sender address (unless it is a development placeholder), and its website."""
    email = municipality.contact_email if municipality else ""
    if not email:
        _name, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
        domain = sender.rpartition("@")[2]
        if domain and "." in domain and not domain.endswith((".invalid", ".example", ".localhost", ".test")):
            email = sender
    return {"email": email, "website": municipality.website if municipality else ""}


def accessibility(request: HttpRequest) -> HttpResponse:
    """Erklärung zur Barrierefreiheit as BITV 2.0 asks for it."""
    municipality = Municipality.objects.current()
    prepared_on = municipality.statement_prepared_on if municipality else None
    context = {
        "contact": feedback_contact(municipality),
        # The municipality's own dates once it has prepared the statement, else the platform's.
        "prepared_on": prepared_on or ACCESSIBILITY_STATEMENT_PREPARED,
        "reviewed_on": (municipality.statement_reviewed_on or prepared_on)
        if municipality and prepared_on
        else ACCESSIBILITY_STATEMENT_REVIEWED,
        "enforcement_body": municipality.enforcement_body if municipality else "",
        "site": request.get_host(),
    }
    return render(request, "core/accessibility.html", context)


def easy_language(request: HttpRequest) -> HttpResponse:
    """The platform explained in Leichte Sprache; in English an "Easy to read" version."""
    template = "core/easy_language.html" if (get_language() or "").startswith("de") else "core/easy_language_en.html"
    return render(request, template, {"contact": feedback_contact(Municipality.objects.current())})
