"""Write the whole installation to one file that `import_all` reads into a fresh database.

The file is created readable by its owner only (mode 0600, also when it replaces an older one)
and holds no secrets unless `--include-secrets` is given: without them, password hashes are
replaced by an unusable marker, API tokens and the exchange key pair are left out and
invitation links get new tokens on import (see docs/privacy.md, "Moving an installation").
"""

import os
import tempfile
from pathlib import Path

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers import json as json_serializer

from reports.tasks import fail_stale_reports

# Rebuilt by `migrate` (content types, permissions) or short-lived (sessions, login throttling, task queue).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes", "django_tasks_database"]
SUFFIXES = (".json", ".json.gz", ".json.xz", ".json.bz2")

# Secrets: whole models that are nothing but credentials, and single fields of other models.
# A field listed with None is left out (the import gives it the field's default, e.g. a new
# random token); a field listed with a callable is written with what it returns instead.
# TOTP keys and recovery codes (twofactor, stored by django-otp) too: without them, people set up
# their authenticator app again (their passkeys hold no secret and come along).
SECRET_MODELS = [
    "accounts.ApiToken",
    "exchange.InstallationKey",
    "otp_totp.TOTPDevice",
    "otp_static.StaticDevice",
    "otp_static.StaticToken",
]
SECRET_FIELDS = {
    ("accounts.User", "password"): lambda: UNUSABLE_PASSWORD_PREFIX,  # no password: reset by mail or by an admin
    ("surveys.Invitation", "token"): None,
}
FORMAT = "etappe-json-without-secrets"


class Serializer(json_serializer.Serializer):
    """Django's JSON, but with the secret fields of SECRET_FIELDS replaced or left out."""

    def handle_field(self, obj, field) -> None:
        key = (obj._meta.label, field.name)
        if key not in SECRET_FIELDS:
            super().handle_field(obj, field)
        elif (replacement := SECRET_FIELDS[key]) is not None:
            self._current[field.name] = replacement()  # type: ignore[attr-defined]  # Django's python serializer


Deserializer = json_serializer.Deserializer


class Command(BaseCommand):
    help = (
        "Export every record of this installation as JSON (.json, or compressed .json.gz/.xz/.bz2), "
        "readable only by the owner of the file; secrets only with --include-secrets."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="File to write, e.g. etappe-export.json.gz")
        parser.add_argument(
            "--include-secrets",
            action="store_true",
            help="also export password hashes, API token hashes, the exchange private key and invitation tokens",
        )

    def handle(self, *args, path: str, include_secrets: bool = False, **options) -> None:
        target = Path(path)
        suffix = next((s for s in SUFFIXES if target.name.endswith(s)), None)
        if suffix is None:
            raise CommandError(f"The file name must end in one of {', '.join(SUFFIXES)}.")
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        if include_secrets:
            exclude, format = EXCLUDED, "json"
        else:
            serializers.register_serializer(FORMAT, __name__)
            exclude, format = EXCLUDED + SECRET_MODELS, FORMAT
        fail_stale_reports()  # a report whose worker died is exported as failed, not as "being built"
        # Written to a new file of mode 0600 next to the target and moved over it when complete:
        # the export is never readable by others, not even for a moment, and a failed export
        # leaves an older file as it was.
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=suffix)
        os.close(descriptor)
        try:
            os.chmod(temporary, 0o600)
            call_command(
                "dumpdata",
                exclude=exclude,
                format=format,
                natural_foreign=True,
                natural_primary=True,
                output=temporary,
                verbosity=0,
            )
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        os.chmod(target, 0o600)
        secrets = (
            "with secrets (password hashes, API tokens, exchange key, invitation tokens): keep it safe"
            if include_secrets
            else "without secrets (passwords, API tokens, exchange key, invitation tokens; --include-secrets adds them)"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported to {target} ({target.stat().st_size:,} bytes), readable only by its owner (mode 0600), "
                f"{secrets}."
            )
        )
