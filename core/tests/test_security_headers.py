"""Security headers with the production settings, CSRF, and pages that load only from their own host.

The production values are not repeated here: `production_security_settings()` evaluates
config/settings.py with ETAPPE_ENV=production and the tests run with what it yields, so a change
there is tested here.

What "only their own host" means: every *resource* a page makes the browser fetch on its own —
scripts, stylesheets, images, frames, fonts, form targets and every CSS url(), in the page and in
its stylesheets — is same-origin (a relative URL or one on the page's host; images and CSS may also
use data: URLs, as the CSP allows). Plain links (<a href>) may lead to other websites, because
nothing is requested until the person follows them (e.g. the Schlichtungsstelle in the
accessibility statement); they must be http(s), mailto: or tel: links, never javascript: or data:.
"""

import importlib.util
import os
import re
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse

from installation.testing import PASSWORD, BaseTestCase, make_idea

PRODUCTION_ENV = {"ETAPPE_ENV": "production", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "testserver"}
# Unset, so that the defaults of config/settings.py are what is tested.
PRODUCTION_ENV_UNSET = ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD", "DEBUG")
SECURITY_SETTING_PREFIXES = ("SECURE_", "SESSION_COOKIE_", "CSRF_COOKIE_", "X_FRAME_OPTIONS")
ONE_YEAR = 31_536_000


def production_security_settings() -> dict:
    """The security settings config/settings.py produces with ETAPPE_ENV=production."""
    with mock.patch.dict(os.environ, PRODUCTION_ENV):
        for name in PRODUCTION_ENV_UNSET:
            os.environ.pop(name, None)
        spec = importlib.util.spec_from_file_location(
            "production_settings", settings.BASE_DIR / "config" / "settings.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    assert module.PRODUCTION and not module.DEBUG
    return {name: getattr(module, name) for name in dir(module) if name.startswith(SECURITY_SETTING_PREFIXES)}


PRODUCTION = production_security_settings()


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name.lower()] = sources
    return directives


@override_settings(**PRODUCTION)
class ProductionHeaderTests(BaseTestCase):
    def get(self, url: str):
        response = self.client.get(url, secure=True)
        self.assertEqual(response.status_code, 200, url)
        return response

    def test_production_settings_switch_on_https_and_hsts(self) -> None:
        self.assertTrue(PRODUCTION["SECURE_SSL_REDIRECT"])
        self.assertTrue(PRODUCTION["SESSION_COOKIE_SECURE"] and PRODUCTION["CSRF_COOKIE_SECURE"])
        response = self.client.get(reverse("strategy:detail"))
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response["Location"].startswith("https://"))

    def test_the_csp_allows_no_inline_code_and_no_framing(self) -> None:
        for url in ("/", reverse("ideas:list"), reverse("core:accessibility"), reverse("accounts:login")):
            csp = csp_directives(self.get(url)["Content-Security-Policy"])
            self.assertEqual(csp["default-src"], ["'self'"], url)
            for directive in ("script-src", "style-src"):
                sources = csp.get(directive, csp["default-src"])  # an absent directive falls back
                self.assertNotIn("'unsafe-inline'", sources, f"{url} {directive}")
                self.assertNotIn("'unsafe-eval'", sources, f"{url} {directive}")
                self.assertFalse([s for s in sources if s == "*" or ":" in s.strip("'")], f"{url} {directive}")
            self.assertIn(csp["frame-ancestors"], (["'none'"], ["'self'"]), url)
            self.assertEqual(csp["object-src"], ["'none'"], url)
            self.assertEqual(csp["form-action"], ["'self'"], url)

    def test_hsts_referrer_policy_nosniff_and_framing(self) -> None:
        response = self.get("/")
        hsts = response["Strict-Transport-Security"]
        self.assertGreaterEqual(int(re.search(r"max-age=(\d+)", hsts).group(1)), ONE_YEAR)
        self.assertIn("includeSubDomains", hsts)
        self.assertIn(
            response["Referrer-Policy"],
            ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"),
        )
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")

    def test_cookies_are_secure_and_the_csrf_cookie_is_not_readable_by_scripts(self) -> None:
        response = self.get(reverse("accounts:login"))
        csrf = response.cookies[settings.CSRF_COOKIE_NAME]
        self.assertTrue(csrf["secure"])
        self.assertTrue(csrf["httponly"])
        response = self.client.post(
            reverse("accounts:login"),
            {"username": "citizen@example.org", "password": PASSWORD},
            secure=True,
        )
        self.assertEqual(response.status_code, 302)
        session = response.cookies[settings.SESSION_COOKIE_NAME]
        self.assertTrue(session["secure"])
        self.assertTrue(session["httponly"])

    def test_cookies_carry_the_host_prefix_and_sessions_do_not_last_for_weeks(self) -> None:
        """__Host- cookies: browsers accept them only Secure, with Path=/ and without Domain."""
        csrf = self.get(reverse("accounts:login")).cookies[settings.CSRF_COOKIE_NAME]
        response = self.client.post(
            reverse("accounts:login"), {"username": "citizen@example.org", "password": PASSWORD}, secure=True
        )
        session = response.cookies[settings.SESSION_COOKIE_NAME]
        for cookie in (csrf, session):
            self.assertTrue(cookie.key.startswith("__Host-"), cookie.key)
            self.assertTrue(cookie["secure"], cookie.key)
            self.assertEqual(cookie["path"], "/", cookie.key)
            self.assertEqual(cookie["domain"], "", cookie.key)
        self.assertLessEqual(int(session["max-age"]), 12 * 3600)

    def test_a_post_without_csrf_token_is_refused(self) -> None:
        client = self.client_class(enforce_csrf_checks=True)
        referer = {"referer": "https://testserver" + reverse("ideas:create")}
        form = {"title": "Ohne Token", "description": "Diese Idee darf nicht gespeichert werden."}
        response = client.post(reverse("ideas:create"), form, secure=True, headers=referer)
        self.assertEqual(response.status_code, 403)

        # The same request with the token passes the check (and the form then asks for more).
        token = client.get(reverse("ideas:create"), secure=True).cookies[settings.CSRF_COOKIE_NAME].value
        response = client.post(
            reverse("ideas:create"), {**form, "csrfmiddlewaretoken": token}, secure=True, headers=referer
        )
        self.assertNotEqual(response.status_code, 403)

        client.force_login(self.citizen, backend="django.contrib.auth.backends.ModelBackend")
        response = client.post(reverse("accounts:delete"), {"password": PASSWORD}, secure=True, headers=referer)
        self.assertEqual(response.status_code, 403)
        self.citizen.refresh_from_db()
        self.assertTrue(self.citizen.is_active)


class _References(HTMLParser):
    """Collects every URL-valued attribute, inline styles and inline scripts of a page."""

    URL_ATTRIBUTES = {"src", "href", "action", "formaction", "srcset", "poster", "data", "xlink:href", "background"}

    def __init__(self) -> None:
        super().__init__()
        self.references: list[tuple[str, str, dict[str, str], str]] = []
        self.inline_styles: list[str] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        for name, value in attributes.items():
            if name in self.URL_ATTRIBUTES:
                for url in value.split(",") if name == "srcset" else [value]:
                    self.references.append((tag, name, attributes, url.strip().split(" ")[0]))
            if name == "style":
                self.inline_styles.append(value)
        if tag == "style":
            self.inline_styles.append("<style>")
        self._in_script = tag == "script" and "src" not in attributes

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""")


def is_same_origin(url: str, host: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("", "http", "https") and parts.netloc in ("", host):
        return not url.startswith("//") or parts.netloc == host
    return False


class SameOriginTests(BaseTestCase):
    HOST = "testserver"

    def key_pages(self) -> list[str]:
        idea = make_idea(title="Freies WLAN im Rathaus", author=self.citizen)
        return [
            "/",
            reverse("strategy:detail"),
            self.field.get_absolute_url(),
            reverse("ideas:list"),
            idea.get_absolute_url(),
            reverse("core:accessibility"),
            reverse("core:easy_language"),
        ]

    def check_page(self, url: str, label: str) -> set[str]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, label)
        parser = _References()
        parser.feed(response.content.decode())
        self.assertEqual(parser.inline_styles, [], f"{label}: inline styles are blocked by the CSP")
        self.assertEqual(parser.inline_scripts, 0, f"{label}: inline scripts are blocked by the CSP")
        stylesheets, external_links = [], set()
        for tag, attribute, attributes, value in parser.references:
            where = f"{label}: <{tag} {attribute}={value!r}>"
            if tag == "a" and attribute == "href":
                scheme = urlsplit(value).scheme
                self.assertIn(scheme, ("", "http", "https", "mailto", "tel"), where)
                if scheme in ("http", "https") and not is_same_origin(value, self.HOST):
                    external_links.add(urlsplit(value).netloc)
                continue
            if tag == "img" and value.startswith("data:"):
                continue
            self.assertTrue(is_same_origin(value, self.HOST), f"{where} loads from another host")
            if tag == "link" and "stylesheet" in attributes.get("rel", "").split():
                stylesheets.append(value)
        self.assertTrue(stylesheets, label)
        for href in stylesheets:
            self.check_stylesheet(href, label)
        return external_links

    def check_stylesheet(self, href: str, label: str) -> None:
        path = urlsplit(href).path
        self.assertTrue(path.startswith(settings.STATIC_URL), f"{label}: {href}")
        found = finders.find(path.removeprefix(settings.STATIC_URL))
        self.assertIsNotNone(found, f"{label}: {href} is not a static file")
        with open(found, encoding="utf-8") as css:
            for match in CSS_URL.finditer(css.read()):
                url = match.group(2) if match.group(2) is not None else match.group(4)
                if url.startswith("data:"):
                    continue
                self.assertTrue(is_same_origin(url, self.HOST), f"{label}: {href} loads {url!r}")

    def test_key_pages_load_resources_only_from_their_own_host(self) -> None:
        pages = self.key_pages()
        for language in ("de", "en"):
            for user in (None, self.citizen, self.team):
                self.login(user)
                self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
                for url in pages:
                    external = self.check_page(url, f"{user or 'anonymous'} [{language}] {url}")
                    if url == reverse("core:accessibility"):
                        self.assertEqual(external, {"www.schlichtungsstelle-bgg.de"}, url)
                    else:
                        self.assertEqual(external, set(), url)

    def test_the_checker_notices_foreign_resources(self) -> None:
        """Guards the test above against passing because it looked at nothing."""
        self.assertFalse(is_same_origin("https://cdn.example.com/x.js", self.HOST))
        self.assertFalse(is_same_origin("//cdn.example.com/x.js", self.HOST))
        self.assertFalse(is_same_origin("javascript:alert(1)", self.HOST))
        self.assertTrue(is_same_origin("/static/core/etappe.css", self.HOST))
        self.assertTrue(is_same_origin("fonts/fira.woff2", self.HOST))
        self.assertTrue(is_same_origin("https://testserver/ideas/", self.HOST))
        parser = _References()
        parser.feed('<img src="//evil.example/p.gif"><p style="color:red"></p><script>alert(1)</script>')
        self.assertEqual([r[3] for r in parser.references], ["//evil.example/p.gif"])
        self.assertEqual((len(parser.inline_styles), parser.inline_scripts), (1, 1))
