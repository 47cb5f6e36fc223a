"""Values as a person reads them: numbers without needless decimals, dates in the local format
(also those that arrive as ISO text in exchange documents), periods that say what is not known yet."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def number(value: object, places: int = 2) -> str:
    """A count or measured value in the active language's format: whole numbers without decimals
    ("1.000"), others with as many decimals as they have, at most `places` ("12,5"). Empty stays empty."""
    if value is None or value == "":
        return ""
    try:
        exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    exponent = exact.normalize().as_tuple().exponent
    if not isinstance(exponent, int):  # not a number, or infinite
        return str(value)
    decimals = max(0, -exponent)
    return formats.number_format(exact, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@register.filter
def short_date(value: object) -> str:
    """A date (or an ISO date text, as exchange documents carry them) in the short local format."""
    day = _as_date(value)
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else ""


@register.simple_tag
def period(start: object, end: object) -> str:
    """A planned period that says which end is not known yet instead of showing dashes."""
    first, last = short_date(start), short_date(end)
    if first and last:
        return f"{first} – {last}"
    if first:
        return _("from %(start)s, end not yet set") % {"start": first}
    if last:
        return _("start not yet set, until %(end)s") % {"end": last}
    return _("not yet set")
