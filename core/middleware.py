import logging
import time
from collections.abc import Callable
from urllib.parse import quote

import auditlog.middleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from core.ratelimit import client_address_or_none

logger = logging.getLogger("etappe.request")


class RequestLogMiddleware:
    """One log line per request: method, path, status, duration and the person's role.

    The message itself carries the fields (`GET /ideas/ 200 12.3 ms role=staff`), so the text format
    shows them; the JSON format gets each as a field of its own as well. Neither the query string
    nor anything identifying the person goes into the log, and links that carry a secret in their
    path (confirmation, invitation and password-reset links) are logged with it replaced.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        user = getattr(request, "user", None)
        role = user.role if user is not None and user.is_authenticated else "anonymous"
        path = loggable_path(request)
        logger.info(
            "%s %s %s %.1f ms role=%s",
            request.method,
            path,
            response.status_code,
            duration_ms,
            role,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "role": role,
            },
        )
        return response


# URL arguments that are secrets (links sent by e-mail); their values never reach the log.
SECRET_URL_ARGUMENTS = frozenset({"token", "uidb64"})
PATH_LOG_MAX = 500


def loggable_path(request: HttpRequest) -> str:
    """The path, percent-encoded (a line break or space a client sent cannot forge or split a log
    line), with secret URL arguments replaced by `[hidden]` and shortened to PATH_LOG_MAX characters."""
    match = getattr(request, "resolver_match", None)
    secrets = {str(v) for k, v in (match.kwargs.items() if match else ()) if k in SECRET_URL_ARGUMENTS and v}
    path = "/".join(
        "[hidden]" if segment in secrets else quote(segment, safe=":@!$&'()*+,;=-._~")
        for segment in request.path.split("/")
    )
    if len(path) > PATH_LOG_MAX:
        path = path[: PATH_LOG_MAX - 3] + "..."
    return path


class AuditlogMiddleware(auditlog.middleware.AuditlogMiddleware):
    """django-auditlog's middleware, with the address core.ratelimit.client_address() decides.

    auditlog takes the leftmost X-Forwarded-For entry, which any client can write; the port it
    reads from X-Forwarded-Port is just as unchecked and is left out.
    """

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        if getattr(settings, "AUDITLOG_DISABLE_REMOTE_ADDR", False):  # auditlog's setting, off by default
            return None
        return client_address_or_none(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> None:
        return None


class SessionSecurityMiddleware:
    """Ends idle and old sessions, and keeps pages with personal data out of every cache.

    A logged-in session ends after ETAPPE_SESSION_IDLE_MINUTES_INTERNAL minutes without a request
    for members of the administration (ETAPPE_SESSION_IDLE_MINUTES for citizens), and in any case
    ETAPPE_SESSION_MAX_HOURS after it began. The last request is written to the session at most
    once a minute, so reading pages does not turn every request into a session write.

    Every answer to a logged-in person, and every page under /accounts/, is sent with
    `Cache-Control: no-store`: no browser or proxy cache keeps personal data.
    """

    STARTED = "_etappe_session_started"
    LAST_SEEN = "_etappe_session_last_seen"
    TOUCH_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a session cookie nobody is logged in; do not load (or create) a session.
        if request.session.session_key is not None:
            self.expire(request)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/accounts/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True)
        return response

    @classmethod
    def start(cls, request: HttpRequest) -> None:
        """Stamp a fresh login (accounts.signals, on user_logged_in) in the session it writes anyway."""
        now = int(time.time())
        request.session[cls.STARTED] = now
        request.session[cls.LAST_SEEN] = now

    def expire(self, request: HttpRequest) -> None:
        session = request.session
        if SESSION_KEY not in session or not request.user.is_authenticated:
            return
        now = int(time.time())
        started = session.setdefault(self.STARTED, now)  # sessions from before this middleware
        last_seen = session.get(self.LAST_SEEN, now)
        idle_minutes = (
            settings.ETAPPE_SESSION_IDLE_MINUTES_INTERNAL
            if request.user.is_internal
            else settings.ETAPPE_SESSION_IDLE_MINUTES
        )
        if now - last_seen > idle_minutes * 60 or now - started > settings.ETAPPE_SESSION_MAX_HOURS * 3600:
            logout(request)
            messages.info(request, _("You were logged out because your session expired. Please log in again."))
            return
        if self.LAST_SEEN not in session or now - last_seen >= self.TOUCH_SECONDS:
            session[self.LAST_SEEN] = now
