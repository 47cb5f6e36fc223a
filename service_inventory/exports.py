"""The filtered inventory as CSV or XLSX: catalogue facts and the municipality's data, one row per service."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import Table
from service_inventory.applicability import state_names
from service_inventory.models import Level, Service


def _header() -> list[str]:
    return [
        _("LeiKa key"),
        _("Name"),
        _("OZG id"),
        _("OZG service"),
        _("Topic"),
        _("Life situation"),
        _("Service type"),
        _("Legal basis"),
        _("Carried out by"),
        _("Federal states"),
        _("Provided"),
        _("Responsible unit"),
        _("Maturity level"),
        _("Online link"),
        _("Cases per year"),
        _("Target level"),
        _("Target date"),
        _("Pain points"),
        _("Last change"),
    ]


def _rows(services: QuerySet[Service]) -> Iterator[list]:
    levels = dict(Level.choices)
    yes, no = _("yes"), _("no")
    for service in services.iterator(chunk_size=2000):
        ozg = service.ozg
        local = getattr(service, "local", None)
        row = [
            service.leika_key,
            service.name,
            ozg.ozg_id if ozg else "",
            ozg.name if ozg else "",
            ozg.themenfeld if ozg else "",
            ozg.lebenslage if ozg else "",
            service.leistungstyp,
            service.legal_basis,
            str(service.get_scope_display()),
            ", ".join(state_names(service.states)) or _("all"),
        ]
        if local is None:
            row += [no, "", "", "", "", "", "", "", ""]
        else:
            row += [
                yes if local.provided else no,
                str(local.unit) if local.unit else "",
                str(levels[local.level]),
                local.online_url,
                local.cases_per_year if local.cases_per_year is not None else "",
                str(levels[local.target_level]) if local.target_level is not None else "",
                local.target_date.isoformat() if local.target_date else "",
                local.pain_points,
                timezone.localtime(local.updated_at).strftime("%Y-%m-%d %H:%M"),
            ]
        yield row


def services_table(services: QuerySet[Service]) -> Table:
    return Table(_header(), _rows(services), title=_("Services"))
