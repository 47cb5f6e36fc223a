"""The client address behind trusted reverse proxies (ETAPPE_TRUSTED_PROXIES), for rate limits,
the login lock (django-axes), login records and the audit trail alike; and what a client that
writes its own X-Forwarded-For gets from it: nothing."""

from auditlog.models import LogEntry
from axes.models import AccessLog
from django.test import RequestFactory, SimpleTestCase, override_settings
from django.urls import reverse

from core.middleware import AuditlogMiddleware
from core.ratelimit import allow, client_address
from installation.testing import PASSWORD, BaseTestCase

PROXY = "10.0.0.2"


def request(remote: str = PROXY, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


class ClientAddressTests(SimpleTestCase):
    def test_without_trusted_proxies_the_header_is_ignored(self) -> None:
        for setting in (0, []):
            with self.settings(ETAPPE_TRUSTED_PROXIES=setting):
                self.assertEqual(client_address(request("192.0.2.7", "203.0.113.1")), "192.0.2.7")
                self.assertEqual(client_address(request("192.0.2.7")), "192.0.2.7")

    @override_settings(ETAPPE_TRUSTED_PROXIES=1)
    def test_one_trusted_proxy_gives_the_address_it_saw(self) -> None:
        self.assertEqual(client_address(request(forwarded="203.0.113.1")), "203.0.113.1")
        # A client that sends its own header: the proxy appends the real address, which wins.
        self.assertEqual(client_address(request(forwarded="198.51.100.66, 203.0.113.1")), "203.0.113.1")
        # Straight to the application, past the proxy: nothing to trust in the header.
        self.assertEqual(client_address(request("192.0.2.7")), "192.0.2.7")
        self.assertEqual(client_address(request(forwarded="not-an-address")), PROXY)
        self.assertEqual(client_address(request(forwarded="2001:db8::1")), "2001:db8::1")

    @override_settings(ETAPPE_TRUSTED_PROXIES=2)
    def test_two_trusted_proxies(self) -> None:
        self.assertEqual(client_address(request(forwarded="198.51.100.66, 203.0.113.1, 10.0.0.9")), "203.0.113.1")
        self.assertEqual(client_address(request(forwarded="203.0.113.1")), PROXY)

    @override_settings(ETAPPE_TRUSTED_PROXIES=["10.0.0.0/8", "::1"])
    def test_trusted_networks_are_skipped_from_the_right(self) -> None:
        self.assertEqual(client_address(request(forwarded="198.51.100.66, 203.0.113.1, 10.1.2.3")), "203.0.113.1")
        self.assertEqual(client_address(request("::1", "203.0.113.1")), "203.0.113.1")
        # Not from a trusted proxy: the header is the client's own and changes nothing.
        self.assertEqual(client_address(request("192.0.2.7", "203.0.113.1")), "192.0.2.7")
        # Only proxies: the leftmost of them is as far as anyone can tell.
        self.assertEqual(client_address(request(forwarded="10.9.9.9")), "10.9.9.9")
        self.assertEqual(client_address(request(forwarded="junk, 10.9.9.9")), "10.9.9.9")

    def test_the_audit_trail_records_the_same_address(self) -> None:
        with self.settings(ETAPPE_TRUSTED_PROXIES=0):
            self.assertEqual(AuditlogMiddleware._get_remote_addr(request("192.0.2.7", "203.0.113.1")), "192.0.2.7")
        with self.settings(ETAPPE_TRUSTED_PROXIES=1):
            self.assertEqual(AuditlogMiddleware._get_remote_addr(request(forwarded="203.0.113.1")), "203.0.113.1")


class RateLimitBehindProxyTests(BaseTestCase):
    def exhaust(self, req) -> None:
        for _ in range(3):
            allow(req, scope="test", limit=3, window_seconds=60)
        self.assertFalse(allow(req, scope="test", limit=3, window_seconds=60))

    @override_settings(ETAPPE_TRUSTED_PROXIES=1)
    def test_each_client_behind_the_proxy_has_its_own_limit(self) -> None:
        self.exhaust(request(forwarded="203.0.113.1"))
        self.assertTrue(allow(request(forwarded="203.0.113.2"), scope="test", limit=3, window_seconds=60))
        # Writing another address in front of the real one does not give a fresh limit.
        spoofed = request(forwarded="198.51.100.66, 203.0.113.1")
        self.assertFalse(allow(spoofed, scope="test", limit=3, window_seconds=60))

    def test_without_trusted_proxies_a_spoofed_header_gives_no_fresh_limit(self) -> None:
        self.exhaust(request("192.0.2.7"))
        spoofed = request("192.0.2.7", "203.0.113.99")
        self.assertFalse(allow(spoofed, scope="test", limit=3, window_seconds=60))


@override_settings(AXES_FAILURE_LIMIT=3)
class LoginLockBehindProxyTests(BaseTestCase):
    def attempt(self, password: str, forwarded: str | None = None, remote: str = PROXY):
        extra = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return self.client.post(
            reverse("accounts:login"), {"username": "admin@example.org", "password": password}, **extra
        )

    @override_settings(ETAPPE_TRUSTED_PROXIES=1)
    def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(self) -> None:
        for _ in range(3):
            self.attempt("falsch", "198.51.100.66")
        self.assertEqual(self.attempt(PASSWORD, "198.51.100.66").status_code, 429)
        # The attacker writing another address in front of the real one is still locked.
        self.assertEqual(self.attempt(PASSWORD, "203.0.113.5, 198.51.100.66").status_code, 429)
        self.client.cookies.clear()
        response = self.attempt(PASSWORD, "203.0.113.5")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.admin.pk)
        # The login record carries the client's address, not the proxy's.
        self.assertEqual(AccessLog.objects.get(username="admin@example.org").ip_address, "203.0.113.5")

    def test_a_spoofed_header_from_an_untrusted_client_changes_nothing(self) -> None:
        for _ in range(3):
            self.attempt("falsch", "203.0.113.1", remote="198.51.100.66")
        self.assertEqual(self.attempt(PASSWORD, "203.0.113.2", remote="198.51.100.66").status_code, 429)
        self.assertEqual(self.attempt(PASSWORD, remote="192.0.2.7").status_code, 302)
        self.assertEqual(AccessLog.objects.get(username="admin@example.org").ip_address, "192.0.2.7")

    @override_settings(ETAPPE_TRUSTED_PROXIES=1)
    def test_the_audit_trail_records_the_client_address(self) -> None:
        self.client.force_login(self.admin, backend="django.contrib.auth.backends.ModelBackend")
        self.client.post(
            reverse("accounts:profile"),
            {"full_name": "Ada Admin-Neu"},
            REMOTE_ADDR=PROXY,
            headers={"x-forwarded-for": "198.51.100.1, 203.0.113.7", "x-forwarded-port": "4444"},
        )
        entry = LogEntry.objects.get_for_object(self.admin).latest("timestamp")
        self.assertEqual((entry.remote_addr, entry.remote_port), ("203.0.113.7", None))


class UnknownAddressTests(SimpleTestCase):
    def test_a_request_without_address_is_stored_without_one(self) -> None:
        """force_login and management commands make requests without REMOTE_ADDR; an IP address
        column (PostgreSQL inet) takes NULL, not the rate limit's "unknown"."""
        from django.http import HttpRequest

        from core.ratelimit import client_address_or_none

        self.assertEqual(client_address(HttpRequest()), "unknown")
        self.assertIsNone(client_address_or_none(HttpRequest()))
        self.assertIsNone(AuditlogMiddleware._get_remote_addr(HttpRequest()))


class ApiAuditAddressTests(BaseTestCase):
    """API writes record the same address in the audit trail as the pages: a spoofed header changes nothing."""

    def test_a_spoofed_forwarded_for_does_not_reach_the_audit_trail_of_an_api_write(self) -> None:
        from accounts.models import ApiToken
        from projects.models import LogEntry as ProgressLogEntry
        from projects.models import Project

        project = Project.objects.create(title="Pilot")
        project.members.add(self.staff)
        _, key = ApiToken.issue(user=self.staff, name="t")
        response = self.client.post(
            f"/api/v1/projects/{project.pk}/log",
            {"happened": "Pilot läuft"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}", "X-Forwarded-For": "203.0.113.66"},
        )
        self.assertEqual(response.status_code, 201, response.content)
        entry = LogEntry.objects.get_for_model(ProgressLogEntry).get()
        self.assertEqual(entry.remote_addr, "127.0.0.1")

    def test_only_core_uses_auditlogs_own_middleware(self) -> None:
        from pathlib import Path

        from django.conf import settings

        offenders = [
            str(path.relative_to(settings.BASE_DIR))
            for path in Path(settings.BASE_DIR).glob("*/**/*.py")
            if ".venv" not in path.parts
            and "tests" not in path.parts
            and path.name != "middleware.py"
            and "from auditlog.middleware import" in path.read_text(encoding="utf-8")
        ]
        self.assertEqual(offenders, [])
