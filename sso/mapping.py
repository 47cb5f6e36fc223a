"""From a provider's groups to an Etappe role and units: the one rule, used at sign-in and in the preview.

- Every mapping row whose group is among the person's groups counts (exact match; for LDAP the
  group's DN compares without regard to case).
- The role is the highest role of those rows (administrator > strategy team > department staff >
  leadership and council > citizen).
- No row with a role: the lowest role, citizen. A group without a mapping never gives more.
- The units are those of all matching rows.
"""

from dataclasses import dataclass, field

from accounts.models import OrgUnit, Role
from sso.models import GroupMapping, IdentityProvider

# Most rights first, as in accounts.models.ROLE_ORDER.
RANK = {role: rank for rank, role in enumerate(Role)}
LOWEST_ROLE = Role.CITIZEN


@dataclass
class Outcome:
    role: Role
    units: list[OrgUnit]
    matched: list[GroupMapping] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def resolve(provider: IdentityProvider, groups: list[str]) -> Outcome:
    """The role and units a person with `groups` gets at `provider`."""
    wanted = {_key(provider, group): group for group in groups if group}
    matched = [row for row in provider.mappings.select_related("unit") if _key(provider, row.group) in wanted]
    found = {_key(provider, row.group) for row in matched}
    roles = [Role(row.role) for row in matched if row.role]
    role = min(roles, key=RANK.__getitem__) if roles and not provider.spec.for_citizens else LOWEST_ROLE
    units: dict[int, OrgUnit] = {}
    for row in matched:
        if row.unit is not None:
            units[row.unit.pk] = row.unit
    return Outcome(
        role=role,
        units=sorted(units.values(), key=str),
        matched=matched,
        unmatched=[group for key, group in wanted.items() if key not in found],
    )


def managed_units(provider: IdentityProvider) -> set[int]:
    """Units the provider's mappings hand out: sign-in adds and removes only these."""
    return set(provider.mappings.exclude(unit=None).values_list("unit_id", flat=True))


def same_group(provider: IdentityProvider, one: str, other: str) -> bool:
    """Whether two group values name the same group at `provider`."""
    return _key(provider, one) == _key(provider, other)


def _key(provider: IdentityProvider, group: str) -> str:
    group = group.strip()
    return group.lower() if provider.kind == "ldap" else group
