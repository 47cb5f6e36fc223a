from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.models import CouncilReport

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(forms.ModelForm):
    class Meta:
        model = CouncilReport
        fields = ["title", "period_start", "period_end", "include_internal"]
        widgets = {"period_start": DATE, "period_end": DATE}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            today = timezone.localdate()
            start = date(today.year - 1, 1, 1) if today.month <= 6 else date(today.year, 1, 1)
            self.initial.setdefault("period_start", start)
            self.initial.setdefault("period_end", today)
            self.initial.setdefault("title", _("Progress report on the digital strategy"))
