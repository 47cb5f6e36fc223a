"""Test helpers: a small catalogue instead of the full one (the test database skips the data migration)."""

from itertools import count

from service_inventory.catalogue import catalogue_key, derived_fields
from service_inventory.models import LocalService, OzgService, Service

_sequence = count(1)


def make_ozg(**overrides) -> OzgService:
    number = next(_sequence)
    overrides.setdefault("ozg_id", 90000 + number)
    overrides.setdefault("name", f"OZG-Leistung {number}")
    overrides.setdefault("lebenslage", "Wohnen & Umzug")
    overrides.setdefault("themenfeld", "Bauen & Wohnen")
    return OzgService.objects.create(**overrides)


def make_service(*, ozg: OzgService | None = None, **overrides) -> Service:
    number = next(_sequence)
    overrides.setdefault("leika_key", f"{99000000000000 + number}")
    overrides.setdefault("name", f"Leistung {number}")
    overrides.setdefault("leistungstyp", "2/3")
    overrides.setdefault("key", catalogue_key(overrides["leika_key"], ozg.ozg_id if ozg else None, overrides["name"]))
    derived = derived_fields(
        overrides["leika_key"], overrides["name"], overrides["leistungstyp"], overrides.get("legal_basis", "")
    )
    for field, value in derived.items():
        overrides.setdefault(field, value)
    return Service.objects.create(ozg=ozg, **overrides)


def make_local(*, service: Service, **overrides) -> LocalService:
    overrides.setdefault("provided", True)
    overrides.setdefault("level", 0)
    return LocalService.objects.create(service=service, **overrides)
