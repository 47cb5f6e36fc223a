"""The client's address behind trusted reverse proxies, and a small per-address rate limit.

`client_address()` is the one place that decides which address a request comes from: the rate
limits here, django-axes (AXES_CLIENT_IP_CALLABLE) and the audit trail (core.middleware) all ask
it. Without ETAPPE_TRUSTED_PROXIES it is REMOTE_ADDR and X-Forwarded-For is ignored, so a client
cannot choose its own address by sending the header.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

UNKNOWN = "unknown"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _parse_address(value: str) -> IPAddress | None:
    """An IP address as a proxy writes it into X-Forwarded-For (bare, or IPv6 in brackets); None otherwise."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket (::ffff:192.0.2.1) is that IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _trust(setting: int | tuple[str, ...]) -> int | tuple[IPNetwork, ...]:
    """ETAPPE_TRUSTED_PROXIES as a number of proxies or a tuple of networks."""
    if isinstance(setting, int):
        return max(setting, 0)
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in setting if item.strip())


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent this request, as far as the trusted proxies say.

    X-Forwarded-For lists every hop a request passed, each proxy appending the address it saw; a
    client can put anything in front. So the list is read from the right, and only as far as the
    hops are trusted proxies:

    - ETAPPE_TRUSTED_PROXIES = N (a number): the last N hops are our proxies; the client is the
      address the outermost one saw. With fewer entries than that the request did not come through
      the proxies, and REMOTE_ADDR is used.
    - ETAPPE_TRUSTED_PROXIES = ["10.0.0.0/8", …] (addresses or networks): starting at REMOTE_ADDR,
      every hop inside these networks is skipped; the first one outside them is the client.
    - 0 or empty (the default): REMOTE_ADDR, the header is ignored.
    """
    remote = _parse_address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return UNKNOWN
    setting = getattr(settings, "ETAPPE_TRUSTED_PROXIES", 0)
    trust = _trust(setting if isinstance(setting, int) else tuple(setting))
    if not trust:
        return str(remote)
    forwarded = [item for item in request.headers.get("x-forwarded-for", "").split(",") if item.strip()]
    if isinstance(trust, int):
        if len(forwarded) < trust:
            return str(remote)
        hop = _parse_address(forwarded[-trust])
        return str(hop) if hop is not None else str(remote)
    hop = remote
    while any(hop in network for network in trust if network.version == hop.version) and forwarded:
        previous = _parse_address(forwarded.pop())
        if previous is None:  # garbage cannot come from a trusted proxy: stop at the last sound hop
            break
        hop = previous
    return str(hop)


def client_address_or_none(request: HttpRequest) -> str | None:
    """client_address() for records that store an IP address field (django-axes): None if unknown."""
    address = client_address(request)
    return None if address == UNKNOWN else address


def allow(request: HttpRequest, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt for this address and scope; False once the limit is reached within the window."""
    key = f"ratelimit:{scope}:{client_address(request)}"
    if cache.add(key, 1, timeout=window_seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return True
    return count <= limit


def limit_reached(request: HttpRequest, *, scope: str, limit: int) -> bool:
    """Whether this address has used up `limit` in the scope, without counting an attempt (see `allow`)."""
    return (cache.get(f"ratelimit:{scope}:{client_address(request)}") or 0) >= limit
