from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from learning.models import RATING_MAX, RATING_MIN, LearningUnit, Registration, Session
from learning.services import MATERIAL_TYPES, MAX_MATERIAL_BYTES, validate_material
from maturity.services import dimension_choices
from projects.models import Project


class LearningUnitForm(forms.ModelForm):
    class Meta:
        model = LearningUnit
        fields = [
            "title",
            "topic",
            "summary",
            "duration_minutes",
            "format",
            "material_url",
            "material_file",
            "dimension_key",
            "projects",
            "is_active",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "format": forms.RadioSelect,
            "projects": forms.CheckboxSelectMultiple,
            "dimension_key": forms.Select,
            "material_file": forms.ClearableFileInput(attrs={"accept": ",".join(sorted(MATERIAL_TYPES))}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dimension_key"].widget.choices = [("", _("none")), *dimension_choices()]
        cast(forms.ModelChoiceField, self.fields["projects"]).queryset = Project.objects.order_by("title")
        self.fields["material_file"].help_text = _("PDF, office documents, images, MP4 or text; at most %(mb)s MB.") % {
            "mb": MAX_MATERIAL_BYTES // (1024 * 1024)
        }

    def clean_dimension_key(self) -> str:
        key = self.cleaned_data["dimension_key"]
        if key and key not in dict(dimension_choices()):
            raise forms.ValidationError(_("Choose one of the questionnaire's dimensions."))
        return key

    def clean_material_file(self):
        upload = self.cleaned_data.get("material_file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            validate_material(upload)
        return upload


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["starts_at", "place", "online_url", "capacity", "trainer", "note"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data  # a parent's clean() may return None
        if not data.get("place") and not data.get("online_url") and not self.errors:
            raise forms.ValidationError(_("Give a place, an online link or both."))
        if self.instance.pk and data.get("capacity"):
            booked = self.instance.registrations.count()
            if data["capacity"] < booked:
                self.add_error(
                    "capacity",
                    _("%(booked)s people are already registered; the session needs at least as many seats.")
                    % {"booked": booked},
                )
        return data


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was the session for your work?"),
        choices=[(value, str(value)) for value in range(RATING_MIN, RATING_MAX + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = not useful, 5 = very useful"),
        error_messages={"invalid_choice": _("A rating runs from 1 to 5.")},
    )
    text = forms.CharField(
        label=_("What should we keep or change?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, registrations: list[Registration], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["present"]).choices = [
            (registration.pk, f"{registration.user or _('deleted account')} ({registration.org_unit or '–'})")
            for registration in registrations
        ]
        if not self.is_bound:
            self.initial["present"] = [registration.pk for registration in registrations if registration.attended]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    format = forms.ChoiceField(label=_("Format"), required=False)
    dimension = forms.ChoiceField(label=_("Maturity dimension"), required=False)
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)

    def __init__(self, *args, topics: list[str], projects, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["topic"]).choices = [("", _("all")), *[(topic, topic) for topic in topics]]
        cast(forms.ChoiceField, self.fields["format"]).choices = [("", _("all")), *LearningUnit.Format.choices]
        cast(forms.ChoiceField, self.fields["dimension"]).choices = [("", _("all")), *dimension_choices()]
        cast(forms.ModelChoiceField, self.fields["project"]).queryset = projects
        cast(forms.ModelChoiceField, self.fields["project"]).empty_label = _("all")
