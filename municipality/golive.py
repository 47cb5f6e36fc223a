"""The go-live checklist on the settings page: what is still missing before an installation goes public.

Each item says whether it is done and where to fix it (a page of the platform, linked by its name,
or the environment variables of the installation, README "Configuration"). It reads settings and a few rows only
(four queries whatever the installation holds) and changes nothing.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from municipality.legal import placeholders
from municipality.models import LegalPage, Municipality
from twofactor.models import role_requires

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Text  # translated when shown
else:
    Text = str

# The demo's accounts (installation/demo.py); their password is printed in the README.
DEMO_ACCOUNT_DOMAIN = "@lindenfeld.example"
# Mail backends that deliver nothing to anyone (Django's and core.mail's).
NON_DELIVERING_BACKENDS = ("console", "locmem", "dummy", "filebased")


@dataclass(frozen=True)
class Item:
    key: str
    title: Text
    done: bool
    fix: Text  # what to do while it is missing
    url: str = ""  # the page where it is fixed, if the platform has one
    link: Text = ""  # the link's text, naming that page ("Zum Impressum")


def _legal_item(key: str, title: Text, page: LegalPage | None, url: str, link: Text) -> Item:
    done = page is not None and not placeholders(page.text)
    return Item(key, title, done, _("Replace every placeholder in [[…]] and save."), url, link)


def golive_checklist(municipality: Municipality | None = None) -> list[Item]:
    """The checklist, item by item; `municipality` saves a query where the caller has it."""
    municipality = municipality or Municipality.objects.current()
    pages = {page.kind: page for page in LegalPage.objects.all()}
    settings_page = reverse("municipality:configure")
    backend = settings.EMAIL_BACKEND.lower()
    smtp = bool(settings.EMAIL_HOST) and not any(name in backend for name in NON_DELIVERING_BACKENDS)
    https = all(
        getattr(settings, name, False)
        for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
    ) and settings.ETAPPE_BASE_URL.startswith("https://")
    demo_accounts = User.objects.filter(email__iendswith=DEMO_ACCOUNT_DOMAIN, is_active=True).exists()
    return [
        _legal_item(
            "imprint",
            _("Legal notice (Impressum) filled in"),
            pages.get(LegalPage.Kind.IMPRINT),
            reverse("municipality:edit_imprint"),
            _("To the legal notice"),
        ),
        _legal_item(
            "privacy",
            _("Privacy notice filled in"),
            pages.get(LegalPage.Kind.PRIVACY),
            reverse("municipality:edit_privacy"),
            _("To the privacy notice"),
        ),
        Item(
            "accessibility",
            _("Accessibility statement: contact and date of the statement"),
            bool(municipality and municipality.contact_email and municipality.statement_prepared_on),
            _("Enter the contact e-mail address for feedback and when the statement was prepared."),
            f"{settings_page}#statement",
            _("To the accessibility statement"),
        ),
        Item(
            "smtp",
            _("E-mail is sent through a mail server"),
            smtp,
            _(
                "Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, DEFAULT_FROM_EMAIL) in the "
                "environment variables of the installation."
            ),
        ),
        Item(
            "https",
            _("HTTPS only"),
            https,
            _(
                "Run with ETAPPE_ENV=production behind a TLS proxy and set ETAPPE_BASE_URL to an https:// address "
                "in the environment variables of the installation."
            ),
        ),
        Item(
            "two_factors",
            _("Two factors required for administrators"),
            settings.ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE and role_requires(Role.ADMINISTRATOR),
            _("Require two factors for the administration and the strategy team (People → Two factors by role).")
            if settings.ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE
            else _(
                "Remove ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE=0 from the environment variables of the installation: "
                "it switches the requirement off for everyone."
            ),
            reverse("twofactor:roles"),
            _("To two factors by role"),
        ),
        Item(
            "backups",
            _("Backups set up"),
            settings.ETAPPE_BACKUPS_CONFIRMED,
            _(
                "Back up the database and var/media regularly, try a restore, then set ETAPPE_BACKUPS_CONFIRMED=true "
                "in the environment variables of the installation."
            ),
        ),
        Item(
            "demo",
            _("Demo data removed"),
            bool(municipality and not municipality.is_fictional) and not demo_accounts,
            _(
                "Choose the real municipality under “Search the register” further down on this page, and "
                "deactivate or delete the demo accounts (e-mail addresses ending in @lindenfeld.example)."
            ),
            reverse("accounts:people") + "?" + urlencode({"q": DEMO_ACCOUNT_DOMAIN.lstrip("@")}),
            _("To the people administration"),
        ),
    ]
