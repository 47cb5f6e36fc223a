"""Setting up, checking, removing and resetting second factors.

Every change of what a person has set up is written to the audit trail as a change of their
account's "second factor" ("Authenticator-App" → "Authenticator-App, Passkey"), naming who made it.
"""

import enum
import secrets
import time

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.oath import TOTP as TotpAlgorithm
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User, second_factor_status
from twofactor.models import PASSKEY, RECOVERY_DEVICE, TOTP, Passkey, RoleRequirement, factors_of, role_requires
from twofactor.passkeys import NewCredential

RECOVERY_CODES = 10
# TOTP as every authenticator app knows it: 30-second steps, 6 digits; one step of clock drift either way.
TOTP_TOLERANCE = 1


class TwoFactorError(Exception):
    """A change the rules refuse; the message says why."""


class Check(enum.Enum):
    OK = "ok"
    WRONG = "wrong"  # not a valid code (or too many wrong ones in a row)
    USED = "used"  # right, but this code (or a later one) was already used


def _status(user: User) -> str:
    # In the installation's language: the audit trail keeps the words as they were written.
    with translation.override(settings.LANGUAGE_CODE):
        return second_factor_status(User.objects.get(pk=user.pk))


def _record(user: User, before: str, *, by: User | None) -> None:
    """One audit entry on the person's account: the second factor before and after the change."""
    after = _status(user)
    if before != after:
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(User),
            object_pk=str(user.pk),
            object_id=user.pk,
            object_repr=str(user),
            action=LogEntry.Action.UPDATE,
            changes={"second_factor": [before, after]},
            actor=by,
        )


def totp_new_key() -> str:
    """A new TOTP secret (160 bits, hex as django-otp stores it) for the setup page."""
    return secrets.token_hex(20)


def _totp(key: str) -> TotpAlgorithm:
    totp = TotpAlgorithm(bytes.fromhex(key))
    totp.time = time.time()
    return totp


def _as_number(code: str) -> int | None:
    code = code.replace(" ", "")
    return int(code) if code.isdigit() and len(code) == 6 else None


def totp_confirm(*, user: User, key: str, code: str) -> bool:
    """Save the authenticator app once the person typed a code it shows; False for a wrong code.

    The code confirming the app counts as used: it cannot also complete a login."""
    number = _as_number(code)
    totp = _totp(key)
    if number is None or not totp.verify(number, TOTP_TOLERANCE):
        return False
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        before = _status(user)
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(
            user=user, name="Authenticator", key=key, confirmed=True, last_t=totp.t(), drift=totp.drift
        )
        _record(user, before, by=user)
    return True


def totp_check(*, user: User, code: str) -> Check:
    """A code of the person's authenticator app. Each code works once (django-otp keeps the last
    time step used); wrong codes in a row slow further attempts down (django-otp's throttling)."""
    number = _as_number(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None or number is None:
            return Check.WRONG
        last_used = device.last_t
        totp = TotpAlgorithm(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        right = totp.verify(number, device.tolerance)
        if device.verify_token(number):
            return Check.OK
        return Check.USED if right and totp.t() <= last_used else Check.WRONG


def recovery_codes_generate(*, user: User) -> list[str]:
    """New recovery codes (the earlier ones stop working), to be shown once."""
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE)
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE).count()


def recovery_check(*, user: User, code: str) -> bool:
    """A recovery code of the person; it works once."""
    code = code.replace(" ", "").replace("-", "").lower()
    with transaction.atomic():
        device = StaticDevice.objects.select_for_update().filter(user=user, name=RECOVERY_DEVICE).first()
        return device is not None and bool(code) and device.verify_token(code)


def passkey_add(*, user: User, name: str, credential: NewCredential) -> Passkey:
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        before = _status(user)
        passkey = Passkey.objects.create(
            user=user,
            name=name,
            credential_id=credential.credential_id,
            public_key=credential.public_key,
            sign_count=credential.sign_count,
        )
        _record(user, before, by=user)
    return passkey


def passkey_used(*, passkey: Passkey, sign_count: int) -> None:
    passkey.sign_count = sign_count
    passkey.last_used_at = timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])


def _refuse_last(user: User, remaining: list[str]) -> None:
    if not remaining and role_requires(user.role):
        raise TwoFactorError(
            _("Your role requires two factors. Set up another second factor before you remove this one.")
        )


def _drop_recovery_without_factor(user: User) -> None:
    """Recovery codes stand in for a factor; without one they are dropped too."""
    if not factors_of(user.pk):
        StaticDevice.objects.filter(user=user).delete()


def passkey_remove(*, passkey: Passkey) -> None:
    user = passkey.user
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        remaining = [factor for factor in factors_of(user.pk) if factor != PASSKEY]
        if user.passkeys.exclude(pk=passkey.pk).exists():
            remaining.append(PASSKEY)
        _refuse_last(user, remaining)
        before = _status(user)
        passkey.delete()
        _drop_recovery_without_factor(user)
        _record(user, before, by=user)


def totp_remove(*, user: User) -> None:
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        _refuse_last(user, [factor for factor in factors_of(user.pk) if factor != TOTP])
        before = _status(user)
        TOTPDevice.objects.filter(user=user).delete()
        _drop_recovery_without_factor(user)
        _record(user, before, by=user)


def _remove_all(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    Passkey.objects.filter(user=user).delete()


def second_factors_disable(*, user: User) -> None:
    """The person switches two factors off (the view has checked their password)."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        _refuse_last(user, [])
        before = _status(user)
        _remove_all(user)
        _record(user, before, by=user)


def second_factors_reset(*, user: User, by: User | None) -> None:
    """An administrator (or `manage.py twofactor_reset`, `by=None`) removes a person's second factors
    (a lost phone or key); the person logs in with the password and, where the role requires it,
    sets up a new factor first."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        before = _status(user)
        _remove_all(user)
        _record(user, before, by=by)


def role_requirements_save(*, required: set[str]) -> None:
    """Which roles must have two factors; one row per role, so the audit trail records each change."""
    with transaction.atomic():
        for role in Role:
            requirement = RoleRequirement.objects.filter(role=role).first() or RoleRequirement(role=role)
            if requirement.pk is None or requirement.required != (role in required):
                requirement.required = role in required
                requirement.save()
    RoleRequirement.forget_cached()
