"""Absolute links to this installation, built from the address it is configured for.

E-mails, calendar files, feeds, exported lists of links and the exchange's documents are read
outside the platform, so their links carry the full address: `ETAPPE_BASE_URL` (README,
"Settings") and the page's path. No request is needed to build one, so services, mails and
background tasks take none; the address is the same whichever host a request happened to use.
"""

from typing import Protocol

from django.conf import settings
from django.urls import reverse


class Page(Protocol):
    def get_absolute_url(self) -> str: ...


def absolute_url(target: str | Page, *args: object) -> str:
    """The full address of a page: a path (`"/learning/"`), a URL name with its arguments
    (`"ideas:confirm", token`) or an object with `get_absolute_url`."""
    if isinstance(target, str):
        path = target if target.startswith("/") else reverse(target, args=args)
    else:
        path = target.get_absolute_url()
    return settings.ETAPPE_BASE_URL + path
