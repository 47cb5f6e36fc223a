"""Signed sample documents from a key of one's own, as another installation would publish them.

Used by the demo (two fictional neighbours) and by the tests.
"""

import base64
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exchange.signing import canonical


class FakeInstallation:
    """Publishes pages signed with its own key, like another installation would."""

    def __init__(self, name: str = "Musterstadt", ars: str = "051110000000", state: str = "Nordrhein-Westfalen"):
        self.private = Ed25519PrivateKey.generate()
        raw = self.private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_key = base64.b64encode(raw).decode()
        self.name, self.ars, self.state = name, ars, state

    def item(
        self,
        kind: str,
        number: int,
        data: dict | None,
        *,
        changed_at: str = "2026-05-01T10:00:00+00:00",
        withdrawn: bool = False,
        signer: "FakeInstallation | None" = None,
    ) -> dict[str, Any]:
        payload = {
            "uid": f"urn:etappe:{self.public_key[:16]}:{kind}:{number}",
            "type": kind,
            "changed_at": changed_at,
            "withdrawn": withdrawn,
            "data": None if withdrawn else data,
        }
        key = (signer or self).private
        return {**payload, "signature": base64.b64encode(key.sign(canonical(payload))).decode()}

    def page(self, items: list[dict], *, next_url: str | None = None, cursor: str = "c1") -> dict[str, Any]:
        return {
            "format": "etappe-exchange",
            "version": 1,
            "publisher": {
                "ars": self.ars,
                "ags": self.ars[:5] + self.ars[9:],
                "name": self.name,
                "state": self.state,
                "url": "http://127.0.0.1",
                "public_key": self.public_key,
            },
            "generated_at": "2026-05-01T10:00:00+00:00",
            "cursor": cursor,
            "next": next_url,
            "items": items,
        }


def project_data(title: str = "Digitale Bauakte", **overrides) -> dict[str, Any]:
    data = {
        "title": title,
        "summary": "Bauanträge vollständig digital bearbeiten.",
        "status": "in_implementation",
        "milestones": [{"title": "Scanner beschafft", "due_on": "2025-01-01", "done_on": "2025-01-10"}],
        "kpis": [],
        "url": "https://etappe.musterstadt.de/projects/1/",
    }
    data.update(overrides)
    return data


def lesson_data(title: str = "Chatbot gescheitert", **overrides) -> dict[str, Any]:
    data = {
        "title": title,
        "outcome": "failed",
        "context": "Ein Chatbot für das Bürgerbüro.",
        "advice": "Erst die FAQ verbessern.",
        "url": "https://etappe.musterstadt.de/lessons/1/",
    }
    data.update(overrides)
    return data
