"""Settings for Etappe, driven by environment variables.

ETAPPE_ENV=development (default) gives a local instance on SQLite under var/.
ETAPPE_ENV=production requires SECRET_KEY and ALLOWED_HOSTS and switches on
HTTPS-only cookies, HSTS and the other deployment checks.
"""

import ipaddress
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ETAPPE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ETAPPE_ENV = os.environ.get("ETAPPE_ENV", "development")
if ETAPPE_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("ETAPPE_ENV must be development, production or test.")
PRODUCTION = ETAPPE_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION and ETAPPE_ENV != "test")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when ETAPPE_ENV=production.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105 - never used in production

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when ETAPPE_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "auditlog",
    "axes",
    "core",
    "accounts",
    # Second factors (TOTP, passkeys, recovery codes); django-otp keeps the TOTP and recovery-code devices.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "twofactor",
    "sso",
    "municipality",
    "strategy",
    "ideas",
    "participation",
    "surveys",
    "prioritisation",
    "projects",
    "lessons",
    "service_inventory",
    "maturity",
    "learning",
    "reports",
    "exchange",
    # The personal start page after login: it reads the apps above, none of them reads it.
    "workspace",
    # Follows and notifications: they listen to the content apps, none of them imports them.
    "notifications",
    # search comes last of the apps: its hooks index what the other apps created (installation/plugins.py).
    "search",
    # The top floor: demo, generated data, benchmarks, export and import of everything (it uses every app).
    "installation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # a person with a second factor, or whose role requires one, passes it (or sets it up) first
    "twofactor.middleware.SecondFactorMiddleware",
    # idle timeout and absolute lifetime of sessions; Cache-Control: no-store for personal pages
    "core.middleware.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # auditlog's own middleware with the client address of core.ratelimit.client_address()
    "core.middleware.AuditlogMiddleware",
    "core.middleware.RequestLogMiddleware",
    # Axes must come last: it answers locked-out login attempts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "municipality.context_processors.platform",
                "workspace.context_processors.workspace",
                "notifications.context_processors.notifications",
            ],
        },
    },
]

# Database: DATABASE_URL selects it; the default is a SQLite file under var/.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'etappe.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections (CONN_MAX_AGE as for PostgreSQL) here too: opening a SQLite
    # connection per request, and closing it again (the last one to close checkpoints the WAL),
    # cost more than everything else a small write request does. WAL lets readers go on while
    # one writer commits; IMMEDIATE takes the write lock at BEGIN, so two writers never deadlock
    # on a lock upgrade, and busy_timeout lets the second one wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }

# Cache: REDIS_URL (e.g. redis://127.0.0.1:6379/0) gives every gunicorn worker the same cache, so
# the per-address rate limits count across workers, and sessions are read from Redis first
# (cached_db: written to both, so a Redis restart logs nobody out; a busy write like a support
# skips its session query). Without it each process has its own memory cache and sessions live
# in the database only.
# While Redis is unreachable the site keeps working (core/cache.py): a local cache per process
# stands in, sessions come from the database, and what went stale is dropped from Redis after.
if REDIS_URL := os.environ.get("REDIS_URL", ""):
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # a Redis that does not answer must not hold up requests
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background tasks (django.tasks): the embeddings of new and edited ideas. In production they
# wait in a database queue (django-tasks-db) for `manage.py db_worker`; in development they run
# at once, in the request, so nothing else has to run (ETAPPE_TASKS=database|immediate chooses);
# tests always run them at once.
INSTALLED_APPS += ["django_tasks_db"]
ETAPPE_TASKS = (
    "immediate" if ETAPPE_ENV == "test" else os.environ.get("ETAPPE_TASKS", "database" if PRODUCTION else "immediate")
)
if ETAPPE_TASKS not in {"database", "immediate"}:
    raise ImproperlyConfigured("ETAPPE_TASKS must be database or immediate.")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if ETAPPE_TASKS == "database"
            else "django.tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# Users and login
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Single sign-on (docs/sso.md): LDAP bind, then the switch that can turn staff's local passwords off.
    "sso.backends.LdapBackend",
    "sso.backends.LocalPasswordPolicyBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Password rules of OWASP ASVS 5.0 level 2 (accounts/passwords.py, docs/accounts.md): a minimum
# length (ASVS: at least 8, 15 strongly recommended), no maximum below what a request carries, no
# composition rules (so no NumericPasswordValidator), Django's list of passwords common in breaches,
# not like the person's name or address, not mostly the platform's or the municipality's name.
ETAPPE_PASSWORD_MIN_LENGTH = int(os.environ.get("ETAPPE_PASSWORD_MIN_LENGTH", "12"))
if ETAPPE_PASSWORD_MIN_LENGTH < 8:
    raise ImproperlyConfigured("ETAPPE_PASSWORD_MIN_LENGTH must be at least 8 (OWASP ASVS 5.0, 6.2.1).")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": ETAPPE_PASSWORD_MIN_LENGTH}},
    {"NAME": "accounts.passwords.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.ContextWordsValidator"},
    {"NAME": "accounts.passwords.PredictablePasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Two factors (twofactor/, docs/accounts.md "Zwei Faktoren"): people whose role the administrator
# marks as requiring them are sent to set them up after login. conftest.py switches this off for
# the tests (their personas have no second factor); 0 here is an operator's emergency switch.
ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE = env_bool("ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE", True)
# Sessions end after so many minutes without a request (members of the administration, citizens)
# and in any case so many hours after the login (core.middleware.SessionSecurityMiddleware).
ETAPPE_SESSION_IDLE_MINUTES_INTERNAL = int(os.environ.get("ETAPPE_SESSION_IDLE_MINUTES_INTERNAL", "30"))
ETAPPE_SESSION_IDLE_MINUTES = int(os.environ.get("ETAPPE_SESSION_IDLE_MINUTES", "480"))
ETAPPE_SESSION_MAX_HOURS = int(os.environ.get("ETAPPE_SESSION_MAX_HOURS", "12"))
if min(ETAPPE_SESSION_IDLE_MINUTES_INTERNAL, ETAPPE_SESSION_IDLE_MINUTES, ETAPPE_SESSION_MAX_HOURS) < 1:
    raise ImproperlyConfigured(
        "ETAPPE_SESSION_IDLE_MINUTES(_INTERNAL) and ETAPPE_SESSION_MAX_HOURS must be at least 1."
    )
SESSION_COOKIE_AGE = ETAPPE_SESSION_MAX_HOURS * 3600
# Everyone lands on their personal start page; a `next` parameter (the page that asked for the login) wins.
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "core:home"

# Login throttling (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The client address behind the reverse proxy (finding "rate limits trust only REMOTE_ADDR"):
# ETAPPE_TRUSTED_PROXIES is either the number of reverse proxies in front of Etappe ("1" for one
# nginx) or a comma-separated list of their addresses or networks ("10.0.0.0/8,127.0.0.1").
# X-Forwarded-For is read from the right only as far as those proxies; empty or 0 (the default)
# ignores it. core.ratelimit.client_address() applies it for rate limits, django-axes and the audit trail.
_trusted_proxies = os.environ.get("ETAPPE_TRUSTED_PROXIES", "").strip()
ETAPPE_TRUSTED_PROXIES: int | list[str] = (
    int(_trusted_proxies) if _trusted_proxies.isdigit() else env_list("ETAPPE_TRUSTED_PROXIES")
)
for _network in [] if isinstance(ETAPPE_TRUSTED_PROXIES, int) else ETAPPE_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"ETAPPE_TRUSTED_PROXIES: {_network!r} is no address or network.") from _error
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_address_or_none"

# Internationalisation: German first, English available.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# Static files: our own plus KERN and htmx, fetched from the npm registry by
# scripts/vendor.py into static_vendor/ (ignored by git).
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static_vendor"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Outside production whitenoise serves the files straight from the apps and static_vendor/
# (no collectstatic), with DEBUG off too: the demo runs without DEBUG so that an unknown
# address shows the friendly error page, not Django's debug page.
WHITENOISE_USE_FINDERS = not PRODUCTION
# A refused form (expired or missing CSRF token) gets the site's own error page, in German.
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"

# E-mail: printed readably on the console in development and the demo (core.mail.ConsoleBackend);
# set EMAIL_HOST for a real server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "core.mail.ConsoleBackend"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "etappe@localhost")

# Security headers. The CSP allows nothing from other hosts and no inline code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are accepted by browsers only when Secure, Path=/ and without Domain, so no
    # other host of the domain (and no plain-http page) can set or overwrite them.
    SESSION_COOKIE_NAME = "__Host-etappe_session"
    CSRF_COOKIE_NAME = "__Host-etappe_csrftoken"
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# API pages: at most this many items per request (larger limits are refused with 422).
NINJA_PAGINATION_MAX_LIMIT = 200

# Audit trail (django-auditlog): who changed what and when.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_ON_RAW_SAVE = True  # import_all loads records as they were; it is not a change by anyone

# Structured logging: JSON lines in production, readable text otherwise.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # runserver's (the demo's) own access line repeats etappe.request's line, with the raw query
        # string and the secrets in confirmation links; only etappe.request's line is written.
        "django.server": {"level": "CRITICAL"},
        # one line per request of the exchange sync would drown everything else
        "httpx": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

# Platform settings
# How often a process checks whether its in-memory index of idea embeddings is stale.
SIMILARITY_INDEX_RECHECK_SECONDS = float(os.environ.get("SIMILARITY_INDEX_RECHECK_SECONDS", "5"))
ETAPPE_API_TOKEN_PREFIX = "etp_"  # noqa: S105 - a public prefix, not a secret
# API tokens expire: the person creating one picks the date, by default this many days ahead and
# never more than the maximum.
ETAPPE_API_TOKEN_DEFAULT_DAYS = int(os.environ.get("ETAPPE_API_TOKEN_DEFAULT_DAYS", "90"))
ETAPPE_API_TOKEN_MAX_DAYS = int(os.environ.get("ETAPPE_API_TOKEN_MAX_DAYS", "365"))
if not 1 <= ETAPPE_API_TOKEN_DEFAULT_DAYS <= ETAPPE_API_TOKEN_MAX_DAYS:
    raise ImproperlyConfigured("ETAPPE_API_TOKEN_DEFAULT_DAYS must be between 1 and ETAPPE_API_TOKEN_MAX_DAYS.")
# Backups happen outside the application (database dumps, var/media): the operator confirms with
# this variable that they are set up and restorable; the go-live checklist (municipality/golive.py) asks.
ETAPPE_BACKUPS_CONFIRMED = env_bool("ETAPPE_BACKUPS_CONFIRMED", False)

if ETAPPE_ENV == "test":
    # Fast hashing keeps the suite quick; production uses Django's default (PBKDF2).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests change ideas between requests in one process; the index must see every change.
    SIMILARITY_INDEX_RECHECK_SECONDS = 0
    LOGGING["root"]["level"] = "WARNING"
    STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"

# The nationwide exchange (exchange/): the address under which this installation is reachable, used
# in the documents it publishes; limits for reading other installations' feeds.
# Without it, the address `./etappe demo` serves (PORT, default 8000), so the demo's mails link to it;
# in tests the test client's host. Every absolute link is built from it (core.links), never from a request.
_LOCAL_URL = "http://testserver" if ETAPPE_ENV == "test" else f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
ETAPPE_BASE_URL = os.environ.get("ETAPPE_BASE_URL", _LOCAL_URL).rstrip("/")
ETAPPE_EXCHANGE: dict[str, Any] = {
    "TIMEOUT": float(os.environ.get("ETAPPE_EXCHANGE_TIMEOUT", "10")),
    "MAX_BYTES": int(os.environ.get("ETAPPE_EXCHANGE_MAX_BYTES", str(5 * 1024 * 1024))),
    "CONCURRENCY": int(os.environ.get("ETAPPE_EXCHANGE_CONCURRENCY", "20")),
    "INTERVAL_MINUTES": int(os.environ.get("ETAPPE_EXCHANGE_INTERVAL_MINUTES", "60")),
    "PAGE_SIZE": 100,
    # Plain http is allowed only for these hosts (tests, a hub on the same machine); others need https.
    "INSECURE_HOSTS": env_list("ETAPPE_EXCHANGE_INSECURE_HOSTS", "127.0.0.1,localhost"),
    # --- h1: exchange hardening (issue 14, findings 2-5) ---
    # Peers (and every address their names resolve to) must be public internet addresses, checked at
    # every connection; these networks (CIDR) are the operator's exceptions. Production allows none
    # by default, development and tests loopback only (the tests run peers on 127.0.0.1).
    "ALLOWED_NETWORKS": env_list("ETAPPE_EXCHANGE_ALLOWED_NETWORKS", "" if PRODUCTION else "127.0.0.0/8,::1/128"),
    # Total seconds for one request (connecting and reading the whole answer), and for one peer's sync.
    "DEADLINE": float(os.environ.get("ETAPPE_EXCHANGE_DEADLINE", "60")),
    "PEER_DEADLINE": float(os.environ.get("ETAPPE_EXCHANGE_PEER_DEADLINE", "600")),
    # --- end h1 ---
}

# --- h5: background-task leases, purge of unconfirmed submissions (issue 14, findings 10 and 19) ---
# A running council report whose worker has not stamped its heartbeat for this long is taken as
# lost (worker killed, machine restarted) and marked failed with a message; the task stamps every
# quarter of it.
ETAPPE_TASK_LEASE_SECONDS = int(os.environ.get("ETAPPE_TASK_LEASE_SECONDS", "120"))
# Ideas sent without an account whose e-mail address was never confirmed are deleted (with name
# and address) after this many days: by the periodic task `purge_unconfirmed` and by
# `manage.py purge_unconfirmed_ideas`.
ETAPPE_UNCONFIRMED_RETENTION_DAYS = int(os.environ.get("ETAPPE_UNCONFIRMED_RETENTION_DAYS", "7"))
# --- end h5 ---
