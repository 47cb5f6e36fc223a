"""Choosing the municipality an installation serves."""

from django.db import transaction

from municipality import register
from municipality.models import Municipality


def municipality_set_from_register(*, key: str, website: str = "") -> Municipality:
    """Make the register entry with this ARS or AGS the installation's municipality.

    Raises register.UnknownMunicipality for a key the register does not know; nothing is saved then.
    """
    entry = register.lookup(key)
    with transaction.atomic():
        municipality = Municipality.objects.select_for_update().order_by("pk").first() or Municipality()
        municipality.apply_register_entry(entry)
        if website:
            municipality.website = website
        municipality.save()
    return municipality
