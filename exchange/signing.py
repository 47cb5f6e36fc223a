"""Ed25519 signatures over canonical JSON: a hub can prove which installation an item came from."""

import base64
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db import IntegrityError, transaction

from exchange.models import InstallationKey


def canonical(value: Any) -> bytes:
    """One byte string per JSON value: sorted keys, no spaces, UTF-8. Publisher and reader agree on it."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def installation_key() -> InstallationKey:
    """This installation's key pair, created on first use."""
    key = InstallationKey.objects.order_by("pk").first()
    if key is not None:
        return key
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    raw_public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    try:
        with transaction.atomic():
            return InstallationKey.objects.create(
                private_key=raw_private, public_key=base64.b64encode(raw_public).decode()
            )
    except IntegrityError:  # created by a concurrent request meanwhile
        key = InstallationKey.objects.order_by("pk").first()
        if key is None:  # not that: the error had another cause
            raise
        return key


def sign(payload: Any, key: InstallationKey | None = None) -> str:
    key = key or installation_key()
    private = Ed25519PrivateKey.from_private_bytes(bytes(key.private_key))
    return base64.b64encode(private.sign(canonical(payload))).decode()


def verify(payload: Any, signature: str, public_key: str) -> bool:
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        public.verify(base64.b64decode(signature, validate=True), canonical(payload))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
