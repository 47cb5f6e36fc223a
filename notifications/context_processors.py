from functools import partial
from weakref import WeakKeyDictionary

from django.http import HttpRequest

from notifications.models import Notification

_unread: "WeakKeyDictionary[HttpRequest, int]" = WeakKeyDictionary()


def unread_for(request: HttpRequest) -> int:
    """The person's unread notifications (one query, once per request)."""
    if request not in _unread:
        user = request.user
        _unread[request] = (
            Notification.objects.filter(recipient=user.pk, read_at__isnull=True).count() if user.is_authenticated else 0
        )
    return _unread[request]


def notifications(request: HttpRequest) -> dict:
    """The number in the navigation's "Notifications" link; a callable, so it is counted only where shown."""
    return {"notifications_unread": partial(unread_for, request)}
