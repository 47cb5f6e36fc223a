"""Talking to other installations safely: public addresses only, a total deadline, strict JSON.

Every request to a peer (the feed in exchange/sync.py, the maturity aggregate in
maturity/peering.py) goes through `peer_client()` and `fetch()`:

- **Public addresses only (SSRF).** The client's transport resolves the host name itself at every
  request, refuses it when any of the addresses is loopback, private, link-local, shared (CGNAT),
  reserved, multicast or unspecified – unless it lies in ETAPPE_EXCHANGE["ALLOWED_NETWORKS"] – and
  connects to the very address it checked, keeping the host name in the Host header and for TLS
  (SNI and the certificate check). A name that resolved to a public address when the peer was
  added and resolves to 127.0.0.1 later (DNS rebinding) is refused at that later request. Proxies
  from the environment are not used. Each peer gets a client of its own, so no connection is
  shared between two peers.
- **One message for every connection failure.** Refused, reset, unknown name, non-public address
  and timeout all read "could not reach the installation …", so a peer address cannot be used to
  probe which hosts and ports exist. What exactly happened goes to the log.
- **A total deadline per request** (ETAPPE_EXCHANGE["DEADLINE"]) on connecting and reading the
  whole body, besides httpx's timeout per network operation: a peer that sends one byte every
  few seconds is cut off. The body is streamed and cut off at a size cap.
- **Strict JSON** (`parse_json`): size capped before parsing, nesting depth counted on the raw
  bytes before parsing (without recursion), no NaN/Infinity, no numbers beyond ±2^53 or out of
  the float range, no text that is not valid Unicode.
- **Reasons without the peer's content** (`schema_problem`): a refusal names the place in the
  document and the broken rule, never values of the answer, so an answer's body never appears
  in the error shown on the peer.
"""

import asyncio
import ipaddress
import json
import logging
import math
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from typing import Any
from urllib.parse import urlsplit

import certifi
import httpx
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_DEPTH = 32  # a feed page is about 8 levels deep
MAX_INTEGER = 2**53  # I-JSON (RFC 7493): integers beyond it are not exchanged reliably
DEFAULT_PORTS = {"http": 80, "https": 443}
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FeedRefused(ValueError):
    """The answer is unusable as a whole; the message says why (never quoting the answer) and is recorded on the peer."""


class PeerUnreachable(Exception):
    """No connection, no answer in time, or an address that is not public: reported with one message."""

    def message(self) -> str:
        return _("could not reach the installation, or it did not answer in time")


class AddressRefused(httpx.ConnectError):
    """The host name resolves to an address that is not public (and not allowed by the operator)."""


# --- Addresses -----------------------------------------------------------------------------------


@cache
def _networks(values: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(value, strict=False) for value in values)
    except ValueError as error:
        raise ImproperlyConfigured(f"ETAPPE_EXCHANGE_ALLOWED_NETWORKS: {error}") from error


def allowed_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """The operator's exceptions: networks peers may be in although they are not public."""
    return _networks(tuple(settings.ETAPPE_EXCHANGE.get("ALLOWED_NETWORKS", ())))


def check_allowed_networks(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """System check: ETAPPE_EXCHANGE_ALLOWED_NETWORKS must be CIDR networks (found at start-up, not at the first sync)."""
    try:
        allowed_networks()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint="e.g. 10.20.0.0/16,fd00:1::/64", id="exchange.E001")]
    return []


def _public(ip: IPAddress) -> bool:
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def address_allowed(address: str) -> bool:
    """Public, or in one of the operator's allowed networks. IPv6 forms that carry an IPv4 address count as that."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 scope id ("%eth0") is not part of the address
    except ValueError:
        return False
    candidates = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            candidates = [ip.ipv4_mapped]
        if ip.sixtofour:
            candidates.append(ip.sixtofour)
        if ip.teredo:
            candidates.extend(ip.teredo)
        if ip in NAT64:
            candidates.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    allowed = allowed_networks()
    return all(any(candidate in network for network in allowed) or _public(candidate) for candidate in candidates)


def _addresses(infos: list) -> list[str]:
    return list(dict.fromkeys(info[4][0] for info in infos))


async def lookup(host: str, port: int) -> list[str]:
    """The addresses of a name (the system's resolver; tests replace it to play DNS)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return _addresses(infos)


async def resolve_checked(host: str, port: int) -> str:
    """The address to connect to; raises httpx.ConnectError when the name does not resolve or resolves to a forbidden one.

    All addresses of the name must be allowed: an answer that mixes a public address with
    127.0.0.1 is refused as a whole.
    """
    try:
        addresses = await lookup(host, port)
    except (OSError, UnicodeError) as error:
        raise httpx.ConnectError("the name does not resolve") from error
    forbidden = [address for address in addresses if not address_allowed(address)]
    if forbidden or not addresses:
        logger.warning("exchange: %s resolves to %s, which is not a public address; refused", host, forbidden)
        raise AddressRefused("not a public address")
    return addresses[0]


class PublicAddressTransport(httpx.AsyncHTTPTransport):
    """Resolves and checks the host at every request, then connects to the checked address.

    The request keeps its Host header (httpx set it from the original URL), and for https the
    original name is used for SNI and the certificate check (httpcore's `sni_hostname`).
    """

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        address = await resolve_checked(host, request.url.port or DEFAULT_PORTS.get(request.url.scheme, 443))
        extensions = dict(request.extensions)
        if request.url.scheme == "https":
            extensions["sni_hostname"] = host
        pinned = httpx.Request(
            request.method,
            request.url.copy_with(host=address),
            headers=request.headers,
            stream=request.stream,
            extensions=extensions,
        )
        return await super().handle_async_request(pinned)


@cache
def _ssl_context() -> ssl.SSLContext:
    """One TLS context for every client (building one loads the CA bundle, which takes a while)."""
    return ssl.create_default_context(cafile=certifi.where())


def peer_client() -> httpx.AsyncClient:
    """A client for one peer: checked addresses, no redirects, no proxies from the environment."""
    timeout = httpx.Timeout(settings.ETAPPE_EXCHANGE["TIMEOUT"])
    transport = PublicAddressTransport(
        verify=_ssl_context(), trust_env=False, limits=httpx.Limits(max_connections=2, max_keepalive_connections=1)
    )
    return httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False, trust_env=False)


async def for_each_peer(peers: list, concurrency: int, fetch: Callable, failed: Callable) -> list:
    """`fetch(client, peer)` for every peer, at most `concurrency` at once, each with its own client.

    One peer's exception never stops the others: `failed(peer, exception)` turns it into that peer's
    outcome (and logs it).
    """
    semaphore = asyncio.Semaphore(concurrency)

    async def one(peer):
        async with semaphore, peer_client() as client:
            return await fetch(client, peer)

    results = await asyncio.gather(*(one(peer) for peer in peers), return_exceptions=True)
    return [
        failed(peer, result) if isinstance(result, BaseException) else result
        for peer, result in zip(peers, results, strict=True)
    ]


def same_origin(url: str, base: str) -> bool:
    """Scheme, host and port equal (a `next` link may not leave the peer nor drop https)."""
    one, two = urlsplit(url), urlsplit(base)
    return (one.scheme, one.netloc.lower()) == (two.scheme, two.netloc.lower())


# --- Fetching ------------------------------------------------------------------------------------


@dataclass
class Fetched:
    status: int
    headers: httpx.Headers
    body: bytes = b""


async def _read_limited(response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FeedRefused(_("the answer is larger than %(limit)s bytes") % {"limit": limit})
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise FeedRefused(_("the answer is larger than %(limit)s bytes") % {"limit": limit})
        chunks.append(chunk)
    return b"".join(chunks)


async def fetch(
    client: httpx.AsyncClient,
    url: str | httpx.URL,
    *,
    headers: dict[str, str],
    max_bytes: int,
    deadline: float | None = None,
) -> Fetched:
    """GET within a total deadline (seconds, default ETAPPE_EXCHANGE["DEADLINE"]).

    Only a 200 answer's body is read (it must be JSON and at most `max_bytes` long); other answers
    return their status with no body, so no error message can ever quote one.
    Raises PeerUnreachable for every failure to connect or to finish in time, FeedRefused for an
    answer that is not JSON or too large.
    """
    if deadline is None:
        deadline = settings.ETAPPE_EXCHANGE.get("DEADLINE", 60)
    try:
        async with asyncio.timeout(max(deadline, 0.001)):
            async with client.stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    return Fetched(response.status_code, response.headers)
                if "json" not in response.headers.get("Content-Type", ""):
                    raise FeedRefused(_("the answer is not JSON"))
                body = await _read_limited(response, max_bytes)
                return Fetched(response.status_code, response.headers, body)
    except TimeoutError as error:
        logger.info("exchange: %s did not answer within %s s", _host(url), deadline)
        raise PeerUnreachable from error
    except httpx.HTTPError as error:  # refused, reset, unknown name, forbidden address, httpx's own timeouts
        logger.info("exchange: %s: %s", _host(url), type(error).__name__)
        raise PeerUnreachable from error


def _host(url: str | httpx.URL) -> str:
    return httpx.URL(str(url)).host


# --- JSON ----------------------------------------------------------------------------------------

_DELTA = [0] * 256
_DELTA[ord("[")] = _DELTA[ord("{")] = 1
_DELTA[ord("]")] = _DELTA[ord("}")] = -1
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def nesting_depth(body: bytes) -> int:
    """How deep arrays and objects nest, counted on the raw bytes in linear time without recursion.

    Escaped backslashes and quotes are removed first, so every quote left delimits a string;
    brackets inside strings are not counted.
    """
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside_strings = b"".join(unescaped.split(b'"')[0::2])
    structure = outside_strings.translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_DELTA.__getitem__, structure)), default=0)


class _BadNumber(ValueError):
    pass


def _constant(name: str) -> Any:
    raise _BadNumber(name)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadNumber(text[:20])
    return value


def _int(text: str) -> int:
    if len(text) > 17 or abs(value := int(text)) > MAX_INTEGER:
        raise _BadNumber(text[:20])
    return value


def parse_json(body: bytes, *, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """The parsed document, or FeedRefused with the reason (never the document's content)."""
    if len(body) > max_bytes:
        raise FeedRefused(_("the answer is larger than %(limit)s bytes") % {"limit": max_bytes})
    if nesting_depth(body) > max_depth:
        raise FeedRefused(_("the answer nests deeper than %(depth)s levels") % {"depth": max_depth})
    try:
        # UTF-8 only (RFC 8259): json.loads would also guess UTF-16 and UTF-32, which the depth count does not read.
        value = json.loads(body.decode("utf-8"), parse_constant=_constant, parse_float=_float, parse_int=_int)
    except _BadNumber as error:
        raise FeedRefused(_("the answer contains a number that is not finite or too large")) from error
    except (ValueError, RecursionError) as error:
        raise FeedRefused(_("the answer is not valid JSON")) from error
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, RecursionError) as error:  # lone surrogates ("\ud800") cannot be stored
        raise FeedRefused(_("the answer contains text that is not valid Unicode")) from error
    return value


# --- Reasons -------------------------------------------------------------------------------------


@cache
def _schema_names(schema_json: str) -> frozenset[str]:
    names: set[str] = set()
    stack = [json.loads(schema_json)]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            names.update(node.get("properties", {}) if isinstance(node.get("properties"), dict) else ())
            names.update(v for v in node.get("required", []) if isinstance(v, str))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(names)


def schema_problem(errors: list, schema: dict[str, Any]) -> str:
    """`<path>: <rule>` of the first error, with path parts and values from the schema only.

    jsonschema's own messages quote the offending value; a peer that is really an internal
    service would have its answer shown to whoever added it.
    """
    names = _schema_names(json.dumps(schema, sort_keys=True))
    first = sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])[0]
    where = "/".join(str(part) if isinstance(part, int) or part in names else "…" for part in first.absolute_path) or _(
        "document"
    )
    rule, expected = first.validator, first.validator_value
    if rule == "required" and isinstance(first.instance, dict):
        missing = next((name for name in expected if name not in first.instance), "")
        return _("%(where)s: the field “%(name)s” is missing") % {"where": where, "name": missing}
    if rule in (
        "type",
        "const",
        "enum",
        "pattern",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
    ):
        return _("%(where)s: breaks the rule %(rule)s %(expected)s") % {
            "where": where,
            "rule": rule,
            "expected": json.dumps(expected, ensure_ascii=False)[:120],
        }
    return _("%(where)s: breaks the rule %(rule)s") % {"where": where, "rule": rule}
