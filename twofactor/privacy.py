"""A person's second factors for "download my data" (which ones, never keys or codes); deleting
the account deletes them."""

from typing import Any

from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.privacy import register_eraser, register_section
from twofactor.models import Passkey
from twofactor.services import recovery_codes_left


def export_second_factors(user: User) -> dict[str, Any]:
    return {
        "authenticator_app": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "passkeys": [
            {"name": p.name, "added": p.created_at, "last_used": p.last_used_at}
            for p in Passkey.objects.filter(user=user)
        ],
        "recovery_codes_left": recovery_codes_left(user),
    }


def erase_second_factors(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    Passkey.objects.filter(user=user).delete()


def register() -> None:
    register_section("second_factors", export_second_factors)
    register_eraser("second_factors", erase_second_factors)
