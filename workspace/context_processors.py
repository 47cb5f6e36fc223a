from functools import partial
from weakref import WeakKeyDictionary

from django.http import HttpRequest

from workspace.queries import waiting

# The badge's number per request, counted once however often the frame asks for it; the entry
# goes with the request.
_waiting: "WeakKeyDictionary[HttpRequest, int]" = WeakKeyDictionary()


def waiting_for(request: HttpRequest) -> int:
    """What waits for the person making the request (at most one query, once per request)."""
    if request not in _waiting:
        _waiting[request] = waiting(request.user)
    return _waiting[request]


def remember_waiting(request: HttpRequest, number: int) -> None:
    """For a page that has counted it already (the workspace itself), so the frame asks no more."""
    _waiting[request] = number


def workspace(request: HttpRequest) -> dict:
    """The number in the navigation's "My workspace" link. A callable, so the template counts only
    where it shows the badge (for a person logged in), not on every page rendered with the request."""
    return {"workspace_waiting": partial(waiting_for, request)}
