"""Template helpers shared by every app: KERN form fields and small formatting aids."""

from decimal import Decimal

from django import forms, template
from django.db import models
from django.forms.boundfield import BoundField

from core.honeypot import HoneypotInput

register = template.Library()

_CHECK_WIDGETS = (forms.CheckboxInput,)
_CHOICE_LIST_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.inclusion_tag("core/forms/field.html")
def kern_field(field: BoundField, mark_optional: bool = True) -> dict:
    """Render one form field the KERN way: label, optional hint, error and input, linked for screen readers."""
    widget = field.field.widget
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_hint")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
    attrs: dict[str, str | bool] = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    error = " kern-form-input__input--error" if field.errors else ""
    initial = field.initial if not field.form.is_bound else None
    if isinstance(field.field, forms.DecimalField) and isinstance(initial, Decimal) and initial.is_finite():
        # A stored 1000.00 is shown as 1000, and 12.50 as 12.5: the value as a person wrote it.
        field.initial = initial.quantize(Decimal(1)) if initial == initial.to_integral_value() else initial.normalize()
    if isinstance(widget, HoneypotInput):
        kind = "honeypot"
        attrs["class"] = "kern-form-input__input"
    elif isinstance(widget, _CHECK_WIDGETS):
        kind = "check"
        attrs["class"] = "kern-form-check__checkbox" + (" kern-form-check__checkbox--error" if field.errors else "")
    elif isinstance(widget, _CHOICE_LIST_WIDGETS):
        kind = "choices"
        is_radio = not isinstance(widget, forms.CheckboxSelectMultiple)  # a subclass of RadioSelect
        widget.attrs["class"] = "kern-form-check__radio" if is_radio else "kern-form-check__checkbox"
    elif isinstance(widget, forms.Select):
        kind = "select"
        attrs["class"] = "kern-form-input__select" + (" kern-form-input__select--error" if field.errors else "")
    else:
        kind = "input"
        attrs["class"] = "kern-form-input__input" + error
    return {"field": field, "kind": kind, "widget_html": field.as_widget(attrs=attrs), "mark_optional": mark_optional}


@register.filter
def verbose_name(obj: models.Model) -> str:
    return str(obj._meta.verbose_name)
