"""The search form. It never refuses input: unknown filter values are dropped, the text is cleaned."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from search.backends import Filters
from search.engine import SORTS, clean_filters


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, strip=True)
    type = forms.CharField(required=False)
    status = forms.CharField(required=False)
    field = forms.CharField(required=False)
    sort = forms.CharField(required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("q", "type", "status", "field", "sort"):
            self.fields[name].validators = []  # a NUL character is removed below, not refused

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean() returns
        data["q"] = (data.get("q") or "").replace("\x00", " ")
        raw_field = (data.get("field") or "").strip()
        filters = clean_filters(
            kinds=[data.get("type") or ""],
            statuses=[data.get("status") or ""],
            field=int(raw_field) if raw_field.isascii() and raw_field.isdigit() and len(raw_field) < 19 else None,
        )
        data["filters"] = filters
        return data

    @property
    def search_filters(self) -> Filters:
        return self.cleaned_data.get("filters", Filters())

    @property
    def order(self) -> str:
        value = self.cleaned_data.get("sort") or "relevance"
        return value if value in SORTS else "relevance"
