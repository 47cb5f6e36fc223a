"""Request types for views' annotations (django-stubs): what the middleware adds to a request.

`HtmxHttpRequest` for views that answer htmx requests (django-htmx's `request.htmx`);
`AuthenticatedHttpRequest` for views behind `login_required`, where `request.user` is a person with
an account. Only annotations: at run time every request is Django's own `HttpRequest`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from accounts.models import User  # the user model, for annotations only: core imports no app


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    user: User


class AuthenticatedHtmxHttpRequest(AuthenticatedHttpRequest, HtmxHttpRequest):
    pass
