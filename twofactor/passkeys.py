"""WebAuthn ceremonies with py_webauthn: options for the browser, and checking what it answers.

The relying party is the host the page was served from (`ALLOWED_HOSTS` vouches for it): the
RP ID is its name without the port, the expected origin scheme, name and port. The challenge
of a ceremony waits in the session and is used once.
"""

import json
from dataclasses import dataclass

import webauthn
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from accounts.models import User
from twofactor.models import Passkey

CHALLENGE_KEY = "etappe_webauthn_challenge"
RP_NAME = "Etappe"


class PasskeyError(Exception):
    """The browser's answer is not a valid registration or assertion for this ceremony."""


@dataclass(frozen=True)
class RelyingParty:
    id: str
    origin: str

    @classmethod
    def of(cls, request: HttpRequest) -> "RelyingParty":
        host = request.get_host()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return cls(id=name.strip("[]"), origin=f"{request.scheme}://{host}")


def _user_handle(user: User) -> bytes:
    """A stable id for the authenticator that names no one (WebAuthn asks for no personal data)."""
    return salted_hmac("etappe.twofactor.user-handle", str(user.pk)).digest()


def registration_options(request: HttpRequest, user: User) -> str:
    """JSON for navigator.credentials.create(); the person's passkeys are excluded."""
    options = webauthn.generate_registration_options(
        rp_id=RelyingParty.of(request).id,
        rp_name=RP_NAME,
        user_id=_user_handle(user),
        user_name=user.email,
        user_display_name=user.full_name or user.email,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.PREFERRED
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id)) for key in user.passkeys.all()
        ],
    )
    request.session[CHALLENGE_KEY] = bytes_to_base64url(options.challenge)
    return webauthn.options_to_json(options)


@dataclass(frozen=True)
class NewCredential:
    credential_id: str
    public_key: bytes
    sign_count: int


def _challenge(request: HttpRequest) -> bytes:
    challenge = request.session.pop(CHALLENGE_KEY, None)
    if not challenge:
        raise PasskeyError("no ceremony in progress")
    return base64url_to_bytes(challenge)


def verify_registration(request: HttpRequest, credential: dict) -> NewCredential:
    relying_party = RelyingParty.of(request)
    try:
        verified = webauthn.verify_registration_response(
            credential=json.dumps(credential),
            expected_challenge=_challenge(request),
            expected_rp_id=relying_party.id,
            expected_origin=relying_party.origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyError(str(error)) from error
    return NewCredential(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )


def authentication_options(request: HttpRequest, user: User) -> str:
    """JSON for navigator.credentials.get(), allowing only the person's passkeys."""
    options = webauthn.generate_authentication_options(
        rp_id=RelyingParty.of(request).id,
        allow_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id)) for key in user.passkeys.all()
        ],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[CHALLENGE_KEY] = bytes_to_base64url(options.challenge)
    return webauthn.options_to_json(options)


def verify_authentication(request: HttpRequest, user: User, credential: dict) -> tuple[Passkey, int]:
    """The person's passkey that signed the challenge, and its new signature counter."""
    relying_party = RelyingParty.of(request)
    challenge = _challenge(request)
    passkey = user.passkeys.filter(credential_id=str(credential.get("id", ""))).first()
    if passkey is None:
        raise PasskeyError("not a passkey of this person")
    try:
        verified = webauthn.verify_authentication_response(
            credential=json.dumps(credential),
            expected_challenge=challenge,
            expected_rp_id=relying_party.id,
            expected_origin=relying_party.origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyError(str(error)) from error
    return passkey, verified.new_sign_count
