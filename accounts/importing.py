"""Bringing a staff list from CSV or XLSX into the accounts: all rows or none, every error with its line.

Columns (English or German headers): name and e-mail are required, role and units optional. A role
is given by its name in either language or its code (`Fachbereich`, `staff`); units by name or
short name, several separated by `;` or `,` (a unit whose name contains a comma is still found). A
new address gets an account without a password and an invitation mail; an address that has an
account already keeps it, and its role and units are updated (an empty cell changes nothing).
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, Role, User
from accounts.services import person_invite, person_update
from core.tables import TableError, match_choice, read_import

MAX_ROWS = 2_000
NAME_MAX = 150
HEADERS = {
    "name": "name", "full name": "name", "vollständiger name": "name",
    "e-mail": "email", "email": "email", "e-mail-adresse": "email", "e-mail address": "email", "mail": "email",
    "role": "role", "rolle": "role",
    "units": "units", "unit": "units", "organisational units": "units", "organisationseinheiten": "units",
    "organisationseinheit": "units", "einheiten": "units", "einheit": "units",
}  # fmt: skip


@dataclass
class PersonRow:
    line: int
    name: str
    email: str
    role: str | None  # None: a new person gets staff, an existing one keeps their role
    units: list[OrgUnit] | None  # None: an existing person keeps their units
    existing: User | None = None

    def role_label(self) -> str:
        if self.role is None:
            return str(self.existing.get_role_display() if self.existing else Role.STAFF.label)
        return str(Role(self.role).label)


@dataclass
class PeopleImport:
    rows: list[PersonRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def new(self) -> list[PersonRow]:
        return [row for row in self.rows if row.existing is None]

    @property
    def updated(self) -> list[PersonRow]:
        return [row for row in self.rows if row.existing is not None]


def _unit_names() -> dict[str, OrgUnit]:
    names: dict[str, OrgUnit] = {}
    for unit in OrgUnit.objects.all():
        names.setdefault(unit.name.strip().casefold(), unit)
        if unit.short_name:
            names.setdefault(unit.short_name.strip().casefold(), unit)
    return names


def parse_units(text: str, names: dict[str, OrgUnit]) -> tuple[list[OrgUnit], list[str]]:
    """The units a cell names, and the names it has no unit for.

    Separated by `;` or `,`; the longest run of pieces that names a unit wins, so "Stab Strategie,
    Innovation und Digitalisierung" is one unit and not two unknown ones."""
    parts = re.split(r"([;,])", text)
    pieces = parts[0::2]
    units: list[OrgUnit] = []
    unknown: list[str] = []
    start = 0
    while start < len(pieces):
        for end in range(len(pieces), start, -1):
            candidate = "".join(parts[2 * start : 2 * end - 1]).strip().casefold()
            if candidate in names:
                if names[candidate] not in units:
                    units.append(names[candidate])
                start = end
                break
        else:
            if pieces[start].strip():
                unknown.append(pieces[start].strip())
            start += 1
    return units, unknown


def parse_people(data: bytes) -> PeopleImport:
    """Check every row; the result holds either clean rows or line-numbered errors."""
    result = PeopleImport()
    try:
        table = read_import(data, max_rows=MAX_ROWS)
    except TableError as error:
        result.errors.append((error.line, str(error)))
        return result
    header = [HEADERS.get(str(cell or "").strip().casefold()) for cell in table[0]]
    missing = [name for name in ("name", "email") if name not in header]
    if missing:
        result.errors.append(
            (1, _("Required columns are missing: %(columns)s (“Name”, “E-Mail”).") % {"columns": ", ".join(missing)})
        )
        return result
    names = _unit_names()
    seen: dict[str, int] = {}
    for line, cells in enumerate(table[1:], start=2):
        values = {
            key: str(cells[i]).strip()
            for i, key in enumerate(header)
            if key and i < len(cells) and cells[i] not in (None, "") and str(cells[i]).strip()
        }
        if not values:
            continue  # a blank line
        row, problems = _row(line, values, names)
        if row.email and row.email in seen:
            problems.append(
                _("the e-mail address %(email)s is already in line %(line)d")
                % {"email": row.email, "line": seen[row.email]}
            )
        elif row.email:
            seen[row.email] = line
        result.errors.extend((line, problem) for problem in problems)
        if not problems:
            result.rows.append(row)
    if result.errors:
        return result
    if not result.rows:
        result.errors.append((2, _("The file has a header but no people.")))
        return result
    existing = {user.email: user for user in User.objects.people().filter(email__in=[row.email for row in result.rows])}
    for row in result.rows:
        row.existing = existing.get(row.email)
    _check_administrators_remain(result)
    return result


def _row(line: int, values: dict[str, str], names: dict[str, OrgUnit]) -> tuple[PersonRow, list[str]]:
    problems = []
    name = values.get("name", "")
    email = values.get("email", "").lower()
    if not name:
        problems.append(_("the name is empty"))
    elif len(name) > NAME_MAX:
        problems.append(_("the name is longer than %(max)d characters") % {"max": NAME_MAX})
    if not email:
        problems.append(_("the e-mail address is empty"))
    else:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("“%(value)s” is not a valid e-mail address") % {"value": email})
            email = ""
    role = None
    if "role" in values:
        role, problem = match_choice(values["role"], Role, _("role"))
        if problem:
            problems.append(problem)
    units = None
    if "units" in values:
        units, unknown = parse_units(values["units"], names)
        problems.extend(_("no organisational unit is called “%(value)s”") % {"value": value} for value in unknown)
    return PersonRow(line=line, name=name, email=email, role=role, units=units), problems


def _check_administrators_remain(result: PeopleImport) -> None:
    """A file that would take the role from every administrator who can log in is refused."""
    administrators = set(
        User.objects.people().can_log_in().filter(role=Role.ADMINISTRATOR).values_list("pk", flat=True)
    )
    demoting = [
        row
        for row in result.rows
        if row.existing is not None and row.existing.pk in administrators and row.role not in (None, Role.ADMINISTRATOR)
    ]
    if administrators and administrators <= {row.existing.pk for row in demoting if row.existing}:
        result.errors.extend(
            (
                row.line,
                _("%(name)s would no longer be an administrator, and no other administrator remains")
                % {"name": row.existing},
            )
            for row in demoting
        )


def people_import(*, result: PeopleImport, by: User) -> tuple[list[User], list[User]]:
    """Write every row of a clean result in one transaction: the new people (each invited by mail
    after the commit) and the updated ones."""
    if not result.ok:
        raise ValueError("Only an import without errors can be written.")
    created: list[User] = []
    updated: list[User] = []
    with transaction.atomic():
        for row in result.rows:
            if row.existing is None:
                created.append(
                    person_invite(
                        full_name=row.name, email=row.email, role=row.role or Role.STAFF, units=row.units or [], by=by
                    )
                )
            else:
                user = row.existing
                units = row.units if row.units is not None else list(user.units.all())
                updated.append(
                    person_update(user=user, full_name=user.full_name, role=row.role or user.role, units=units, by=by)
                )
    return created, updated
