"""Real servers for the single sign-on tests: Debian's slapd, a pysaml2 IdP, oidc-provider-mock.

Each is skipped with a notice where its program is missing, and fails under CI (CI=true), like
the browser suites (installation/testing_browser.py).
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

SLAPD = os.environ.get("ETAPPE_SLAPD") or shutil.which("slapd") or "/usr/sbin/slapd"
XMLSEC1 = shutil.which("xmlsec1") or "/usr/bin/xmlsec1"


def need(program: str, message: str) -> None:
    """Skip locally, fail under CI, when `program` is missing."""
    if Path(program).exists():
        return
    if os.environ.get("CI"):
        raise RuntimeError(message)
    raise unittest.SkipTest(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Active Directory's userAccountControl, so the tests run the same check against OpenLDAP.
AD_SCHEMA = """
attributetype ( 1.2.840.113556.1.4.8 NAME 'userAccountControl'
  EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.99999.1.1 NAME 'etappeTestAccount' AUXILIARY MAY ( userAccountControl ) )
"""

SLAPD_CONF = """
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include {dir}/ad.schema
pidfile {dir}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "dc=town,dc=test"
rootdn "cn=admin,dc=town,dc=test"
rootpw {rootpw}
directory {dir}/db
access to attrs=userPassword by self read by anonymous auth by * none
access to * by * read
"""

BASE = "dc=town,dc=test"
ROOT_DN = "cn=admin,dc=town,dc=test"
ROOT_PASSWORD = "root-secret"


class Slapd:
    """slapd on a free port of 127.0.0.1 with an empty directory below dc=town,dc=test."""

    def __init__(self) -> None:
        need(SLAPD, "LDAP suite SKIPPED: no slapd found (apt install slapd).")
        self.dir = Path(tempfile.mkdtemp(prefix="etappe-slapd-"))
        (self.dir / "db").mkdir()
        (self.dir / "ad.schema").write_text(AD_SCHEMA)
        conf = self.dir / "slapd.conf"
        conf.write_text(SLAPD_CONF.format(dir=self.dir, rootpw=ROOT_PASSWORD))
        self.port = free_port()
        self.url = f"ldap://127.0.0.1:{self.port}"
        # -d 0 keeps it in the foreground, so it ends with this process.
        self.process = subprocess.Popen(  # noqa: S603 -- Debian's slapd with our own config
            [SLAPD, "-f", str(conf), "-h", f"{self.url}/", "-d", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd did not start: {self.process.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError("slapd did not answer within 10 s")

    def load(self, entries: list[tuple[str, dict]]) -> None:
        import ldap3

        connection = ldap3.Connection(self.url, ROOT_DN, ROOT_PASSWORD, auto_bind=True)
        for dn, attributes in entries:
            classes = attributes.pop("objectClass")
            if not connection.add(dn, classes, attributes):
                raise RuntimeError(f"ldapadd {dn}: {connection.result}")
        connection.unbind()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def make_key_and_cert(directory: Path, name: str) -> tuple[str, str]:
    """A fresh RSA key and a self-signed certificate for it, as PEM files; returns both paths."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


class SamlIdp:
    """pysaml2's own IdP (saml2.server.Server) with a generated key, trusting the SP's metadata."""

    ENTITY_ID = "https://idp.town.test/idp"
    SSO_URL = "https://idp.town.test/sso"

    def __init__(self, sp_metadata: str, *, lifetime_minutes: int = 15) -> None:
        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.config import IdPConfig
        from saml2.saml import NAME_FORMAT_BASIC
        from saml2.server import Server

        need(XMLSEC1, "SAML suite SKIPPED: no xmlsec1 found (apt install xmlsec1).")
        self.dir = Path(tempfile.mkdtemp(prefix="etappe-idp-"))
        key, cert = make_key_and_cert(self.dir, "idp")
        config = IdPConfig()
        config.load(
            {
                "entityid": self.ENTITY_ID,
                "service": {
                    "idp": {
                        "endpoints": {"single_sign_on_service": [(self.SSO_URL, BINDING_HTTP_REDIRECT)]},
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": lifetime_minutes},
                                "name_form": NAME_FORMAT_BASIC,
                                "attribute_restrictions": None,
                            }
                        },
                    }
                },
                "key_file": key,
                "cert_file": cert,
                "xmlsec_binary": XMLSEC1,
                "metadata": {"inline": [sp_metadata]},
            }
        )
        self.config = config
        self.server = Server(config=config)

    def metadata(self) -> str:
        from saml2.metadata import create_metadata_string

        return create_metadata_string(None, config=self.config, valid=24).decode()

    def answer(
        self,
        request_url: str,
        *,
        subject: str,
        attributes: dict[str, list[str]],
        audience: str | None = None,
        class_ref: str = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
    ) -> str:
        """The signed answer (base64 XML) to the authentication request in `request_url`."""
        import base64
        from urllib.parse import parse_qs, urlparse

        from saml2 import BINDING_HTTP_REDIRECT
        from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID

        query = parse_qs(urlparse(request_url).query)
        request = self.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        sp = request.message.issuer.text
        response = self.server.create_authn_response(
            identity=attributes,
            in_response_to=request.message.id,
            destination=request.message.assertion_consumer_service_url,
            sp_entity_id=audience or sp,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=subject),
            authn={"class_ref": class_ref, "authn_auth": self.ENTITY_ID},
            sign_assertion=True,
            sign_response=False,
        )
        return base64.b64encode(str(response).encode()).decode()

    def stop(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class OidcProvider:
    """oidc-provider-mock (a real OpenID provider, authlib inside) on a free port in a thread.

    The mock ignores PKCE, so a thin WSGI layer in front checks it as a provider does (RFC 7636):
    the S256 challenge of the authorisation request must match the verifier at the token
    endpoint, else the token request fails with invalid_grant. `tamper_id_token` breaks the ID
    token's signature on its way out.
    """

    def __init__(self, users: list[tuple[str, dict]]) -> None:
        import threading

        import werkzeug.serving
        from oidc_provider_mock import User, app

        self.inner = app(require_nonce=True, user_claims=[User(sub=sub, claims=claims) for sub, claims in users])
        self.challenges: dict[str, str] = {}
        self.pending_challenge: dict[str, str] = {}
        self.verified = 0
        self.tamper_id_token = False
        self.server = werkzeug.serving.make_server("localhost", 0, self.wsgi, threaded=True)
        self.url = f"http://localhost:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def wsgi(self, environ, start_response):
        import base64
        import hashlib
        import io
        import json
        from urllib.parse import parse_qs, urlparse

        path = environ.get("PATH_INFO", "")
        query = parse_qs(environ.get("QUERY_STRING", ""))
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        form = parse_qs(body.decode())
        if path == "/oauth2/token":
            code = form.get("code", [""])[0]
            verifier = form.get("code_verifier", [""])[0]
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if self.challenges.pop(code, None) != digest:
                start_response("400 Bad Request", [("Content-Type", "application/json")])
                return [b'{"error": "invalid_grant", "error_description": "PKCE verification failed"}']
            self.verified += 1
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        chunks = b"".join(self.inner(environ, capture))
        headers = captured["headers"]
        if path == "/oauth2/authorize" and environ["REQUEST_METHOD"] == "POST":
            location = dict(headers).get("Location", "")
            code = parse_qs(urlparse(location).query).get("code", [""])[0]
            if code and query.get("code_challenge_method") == ["S256"]:
                self.challenges[code] = query["code_challenge"][0]
        if path == "/oauth2/token" and self.tamper_id_token and captured["status"].startswith("200"):
            token = json.loads(chunks)
            head, payload, signature = token["id_token"].split(".")
            token["id_token"] = f"{head}.{payload}.{signature[:-6]}AAAAAA"
            chunks = json.dumps(token).encode()
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(chunks))))
        start_response(captured["status"], headers)
        return [chunks]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(2)
