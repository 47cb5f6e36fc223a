"""SAML 2.0: Etappe as service provider with pysaml2 (xmlsec1 checks the signatures).

The authentication request goes out by HTTP redirect; its ID waits in the session until the
IdP's answer comes back by HTTP POST. pysaml2 checks the answer: signed assertion (required),
InResponseTo one of this browser's open requests (an unsolicited or replayed answer is refused),
audience = our entity ID, destination, NotBefore/NotOnOrAfter. The request ID is taken out of
the session with the first answer, so the same answer does not work twice.

The IdP posts across sites, and browsers do not send a `SameSite=Lax` session cookie with
such a POST: the assertion consumer service therefore only hands the answer on, through a form
that `sso/static/sso/continue.js` submits at once (a button without JavaScript), to
`saml_finish` on our own site, where the session is there again.
"""

import logging
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor, metadata_tostring_fix
from saml2.response import StatusError
from saml2.validate import valid_instance
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from core.links import absolute_url
from sso.models import IdentityProvider
from sso.oidc import TIMEOUT, ProviderDown
from sso.services import Login, LoginRefused

logger = logging.getLogger(__name__)

SESSION_KEY = "sso_saml"
XMLSEC = getattr(settings, "ETAPPE_XMLSEC1", "/usr/bin/xmlsec1")
# The digest and signature algorithms our metadata advertises: the SHA-2 family with 256 bits and
# more. pysaml2 lists everything xmlsec1 knows (MD5, RIPEMD-160, SHA-1 too) and has no setting.
STRONG = ("sha256", "sha384", "sha512")


def entity_id(provider: IdentityProvider) -> str:
    return absolute_url(reverse("sso:saml_metadata", args=[provider.slug]))


def acs_url(provider: IdentityProvider) -> str:
    return absolute_url(reverse("sso:saml_acs", args=[provider.slug]))


def idp_metadata(provider: IdentityProvider) -> str:
    """The IdP's metadata: as pasted, else fetched from its URL (kept for ten minutes)."""
    if provider.idp_metadata_xml.strip():
        return provider.idp_metadata_xml
    key = f"sso:saml:metadata:{provider.pk}:{provider.idp_metadata_url}"
    found = cache.get(key)
    if found is None:
        if not provider.idp_metadata_url:
            raise ProviderDown("no IdP metadata")
        try:
            response = requests.get(provider.idp_metadata_url, timeout=TIMEOUT)
            response.raise_for_status()
        except requests.RequestException as error:
            raise ProviderDown(str(error)) from error
        found = response.text
        cache.set(key, found, 600)
    return found


def sp_config(provider: IdentityProvider, *, with_idp: bool = True) -> SPConfig:
    sp: dict[str, Any] = {
        "endpoints": {"assertion_consumer_service": [(acs_url(provider), BINDING_HTTP_POST)]},
        "want_assertions_signed": True,
        "want_response_signed": False,
        "allow_unsolicited": False,
        "authn_requests_signed": False,
    }
    config: dict[str, Any] = {
        "entityid": entity_id(provider),
        "service": {"sp": sp},
        "xmlsec_binary": XMLSEC,
        "allow_unknown_attributes": True,
        "accepted_time_diff": 60,
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
    }
    key, cert = provider.secret("SP_KEY_FILE"), provider.secret("SP_CERT_FILE")
    if key and cert:
        config |= {"key_file": key, "cert_file": cert, "encryption_keypairs": [{"key_file": key, "cert_file": cert}]}
        sp["authn_requests_signed"] = True
    if with_idp:
        config["metadata"] = {"inline": [idp_metadata(provider)]}
    conf = SPConfig()
    try:
        conf.load(config)
    except Exception as error:  # pysaml2 raises many kinds for metadata it cannot read
        raise ProviderDown(f"IdP metadata not usable: {error}") from error
    return conf


def sp_metadata(provider: IdentityProvider) -> str:
    """Our metadata for the IdP's administrator, advertising only SHA-256 and stronger."""
    descriptor = entity_descriptor(sp_config(provider, with_idp=False))
    if descriptor.extensions is not None:
        descriptor.extensions.extension_elements = [
            element
            for element in descriptor.extensions.extension_elements
            if element.tag not in ("DigestMethod", "SigningMethod")
            or str(element.attributes.get("Algorithm", "")).endswith(STRONG)
        ]
    valid_instance(descriptor)
    return metadata_tostring_fix(descriptor, {"xs": "http://www.w3.org/2001/XMLSchema"}, None).decode()


def authn_request_url(request: HttpRequest, provider: IdentityProvider, *, next_url: str, preview: bool) -> str:
    client = Saml2Client(config=sp_config(provider))
    idps = list(client.metadata.identity_providers())
    if len(idps) != 1:
        raise ProviderDown("the metadata must describe exactly one IdP")
    request_id, info = client.prepare_for_authenticate(entityid=idps[0], binding=BINDING_HTTP_REDIRECT)
    pending = dict(list(request.session.get(SESSION_KEY, {}).items())[-4:])
    pending[request_id] = {"provider": provider.pk, "next": next_url, "preview": preview}
    request.session[SESSION_KEY] = pending
    return dict(info["headers"])["Location"]


def finish(request: HttpRequest, provider: IdentityProvider, saml_response: str) -> tuple[Login, dict[str, Any]]:
    """Check the IdP's answer against this browser's open requests; say who signed in."""
    pending: dict[str, Any] = request.session.get(SESSION_KEY, {})
    outstanding = {rid: started for rid, started in pending.items() if started["provider"] == provider.pk}
    refused = _("The answer of %(provider)s could not be verified. Nothing was changed.") % {"provider": provider.name}
    client = Saml2Client(config=sp_config(provider))
    try:
        response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding=outstanding)
    except StatusError as error:
        logger.info("sso: %s answered with status %s", provider.slug, error)
        raise LoginRefused(_("%(provider)s refused the sign-in.") % {"provider": provider.name}) from error
    except Exception as error:  # signature, time, audience, replay, XML: pysaml2 has dozens of kinds
        logger.info("sso: SAML answer of %s refused: %r", provider.slug, error)
        raise LoginRefused(refused) from error
    if response is None or response.in_response_to not in outstanding:
        raise LoginRefused(refused)
    started = pending.pop(response.in_response_to)
    request.session[SESSION_KEY] = pending
    attributes = response.get_identity()
    subject = response.get_subject()
    contexts = {ref for ref, *_rest in response.authn_info() if ref}

    def first(name: str) -> str:
        values = attributes.get(name) or []
        return str(values[0]) if values else ""

    login = Login(
        provider=provider,
        subject=str(subject.text) if subject is not None else "",
        email=first(provider.attribute("email")) or (str(subject.text) if "@" in str(subject.text) else ""),
        name=first(provider.attribute("name")),
        groups=[str(value) for value in attributes.get(provider.attribute("groups"), [])],
        mfa=bool(contexts & provider.mfa_values()),
    )
    return login, started
