"""Second factors for tests: a confirmed authenticator app whose codes the test computes."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from twofactor.models import Passkey
from twofactor.services import totp_new_key
from twofactor.session import SESSION_KEY


def make_totp(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator", key=totp_new_key(), confirmed=True)


def code_for(key: bytes | str, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app with this key shows now (or so many 30-second steps later)."""
    totp = TOTP(bytes.fromhex(key) if isinstance(key, str) else key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def make_passkey(user: User, name: str = "YubiKey") -> Passkey:
    return Passkey.objects.create(user=user, name=name, credential_id=f"cred-{user.pk}-{name}", public_key=b"\x00")


def verified(client) -> None:
    """Mark the test client's session as having passed its second step."""
    data = client.session
    data[SESSION_KEY] = "totp"
    data.save()
