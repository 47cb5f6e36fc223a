"""LDAP bind against Active Directory or OpenLDAP, with ldap3.

The entry of the person is found with a service account (search base and filter) or, without
one, named by a DN template; then Etappe binds as the person with the typed password, which is
the check. An entry that Active Directory marks as disabled (userAccountControl bit 2) is
refused even with the right password; one that is not in the directory is simply not found.
"""

import logging
from dataclasses import dataclass, field

import ldap3
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn

from sso.models import IdentityProvider
from sso.oidc import TIMEOUT, ProviderDown

logger = logging.getLogger(__name__)

ACCOUNTDISABLE = 0x2
# Seconds to wait for the connection: a directory in the own network answers at once, and every
# password check waits this long for one that does not (then it is skipped for a while, see
# sso.backends.LdapBackend).
CONNECT_TIMEOUT = 2
# The user attributes and the stable identifiers: Active Directory's objectGUID, OpenLDAP's entryUUID.
READ = [ldap3.ALL_ATTRIBUTES, "objectGUID", "entryUUID"]


@dataclass
class Entry:
    dn: str
    attributes: dict[str, list[str]] = field(default_factory=dict)
    groups: list[str] = field(default_factory=list)

    @property
    def disabled(self) -> bool:
        flags = self.attributes.get("userAccountControl") or ["0"]
        try:
            return bool(int(flags[0]) & ACCOUNTDISABLE)
        except ValueError:
            return False

    @property
    def subject(self) -> str:
        """What stays when the entry is renamed or moved; the DN where the server has neither."""
        return self.first("objectGUID") or self.first("entryUUID") or self.dn

    def first(self, name: str) -> str:
        values = self.attributes.get(name) or []
        return str(values[0]) if values else ""


class Disabled(Exception):
    """The directory knows the person but their account is disabled."""


def check(provider: IdentityProvider, username: str, password: str) -> Entry | None:
    """The person's entry when `password` is theirs; None when the directory does not know them or
    the password is wrong. Raises Disabled for a disabled account, ProviderDown when the server
    does not answer."""
    wanted = [
        "userAccountControl",
        "objectGUID",
        "entryUUID",
        *(provider.attribute(which) for which in ("email", "name", "groups")),
    ]
    server = ldap3.Server(provider.server_url, connect_timeout=CONNECT_TIMEOUT, get_info=ldap3.NONE)
    try:
        if provider.bind_dn:
            service = _connection(provider, server, provider.bind_dn, provider.secret("BIND_PASSWORD"))
            if not service.bind():
                raise ProviderDown(f"service account refused: {service.result.get('description')}")
            entry = _search_person(provider, service, username, wanted)
            service.unbind()
            if entry is None:
                return None
            dn = entry.dn
            if entry.disabled:
                raise Disabled
        else:
            dn = provider.user_dn_template.format(username=escape_rdn(username))
        person = _connection(provider, server, dn, password)
        if not person.bind():
            return None
        found = _read(person, dn, wanted)
        found.groups = _groups(provider, person, found)
        person.unbind()
    except LDAPException as error:
        raise ProviderDown(str(error)) from error
    if found.disabled:
        raise Disabled
    return found


def _connection(provider: IdentityProvider, server: ldap3.Server, user: str, password: str) -> ldap3.Connection:
    connection = ldap3.Connection(server, user=user, password=password, receive_timeout=TIMEOUT, raise_exceptions=False)
    connection.open()
    if provider.start_tls:
        connection.start_tls()
    return connection


def _search_person(provider: IdentityProvider, connection: ldap3.Connection, username: str, wanted: list[str]):
    search_filter = provider.user_filter.replace("{username}", escape_filter_chars(username))
    connection.search(provider.user_search_base, search_filter, attributes=READ, size_limit=2)
    entries = [item for item in connection.response or [] if item.get("type") == "searchResEntry"]
    if len(entries) != 1:
        return None
    return Entry(dn=entries[0]["dn"], attributes=_values(entries[0]["attributes"], wanted))


def _read(connection: ldap3.Connection, dn: str, wanted: list[str]) -> Entry:
    connection.search(dn, "(objectClass=*)", search_scope=ldap3.BASE, attributes=READ)
    entries = [item for item in connection.response or [] if item.get("type") == "searchResEntry"]
    return Entry(dn=dn, attributes=_values(entries[0]["attributes"], wanted) if entries else {})


def _groups(provider: IdentityProvider, connection: ldap3.Connection, entry: Entry) -> list[str]:
    """memberOf (Active Directory, OpenLDAP's memberof overlay); without it, the groupOfNames and
    groupOfUniqueNames below the search base that list the person."""
    groups = list(entry.attributes.get(provider.attribute("groups")) or [])
    if not groups and provider.user_search_base:
        dn = escape_filter_chars(entry.dn)
        connection.search(
            provider.user_search_base,
            f"(|(&(objectClass=groupOfNames)(member={dn}))(&(objectClass=groupOfUniqueNames)(uniqueMember={dn})))",
            attributes=["cn"],
        )
        groups = [item["dn"] for item in connection.response or [] if item.get("type") == "searchResEntry"]
    return groups


def _values(attributes: dict, wanted: list[str]) -> dict[str, list[str]]:
    """The wanted attributes as lists of text, whatever case the server spells them in."""
    by_lower = {name.lower(): value for name, value in attributes.items()}
    result = {}
    for name in wanted:
        value = by_lower.get(name.lower())
        if value is None:
            continue
        result[name] = [_text(item) for item in (value if isinstance(value, list) else [value])]
    return result


def _text(value: object) -> str:
    if isinstance(value, bytes):
        try:
            return value.decode()
        except UnicodeDecodeError:
            return value.hex()  # objectGUID is 16 raw bytes
    return str(value)
