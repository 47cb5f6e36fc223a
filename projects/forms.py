from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from core.tables import TableFileField
from ideas.models import Idea
from projects.importing import TARGETS
from projects.models import Decision, Kpi, LogEntry, Measurement, Milestone, Project
from strategy.models import FieldOfAction, Goal

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionedForm(forms.ModelForm):
    """Carries the version the person started from, so a concurrent save is detected."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class ProjectForm(VersionedForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "summary",
            "description",
            "status",
            "status_reason",
            "visibility",
            "fields_of_action",
            "goals",
            "unit",
            "lead",
            "members",
            "partners",
            "budget_planned",
            "budget_spent",
            "funding",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "risks",
            "depends_on",
            "progress_mode",
            "manual_progress",
            "progress_justification",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "partners": forms.Textarea(attrs={"rows": 3}),
            "risks": forms.Textarea(attrs={"rows": 3}),
            "status_reason": forms.Textarea(attrs={"rows": 3}),
            "fields_of_action": forms.CheckboxSelectMultiple,
            "goals": forms.CheckboxSelectMultiple,
            "members": forms.CheckboxSelectMultiple,
            "status": forms.RadioSelect,
            "visibility": forms.RadioSelect,
            "progress_mode": forms.RadioSelect,
            "planned_start": DATE,
            "planned_end": DATE,
            "actual_start": DATE,
            "actual_end": DATE,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        internal = User.objects.filter(is_active=True).exclude(role="citizen").order_by("full_name")
        cast(forms.ModelChoiceField, self.fields["lead"]).queryset = internal
        cast(forms.ModelChoiceField, self.fields["members"]).queryset = internal
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = OrgUnit.objects.order_by("name")
        cast(forms.ModelChoiceField, self.fields["fields_of_action"]).queryset = FieldOfAction.objects.order_by(
            "position", "title"
        )
        cast(forms.ModelChoiceField, self.fields["goals"]).queryset = Goal.objects.select_related("field").order_by(
            "field__position", "position"
        )
        others = Project.objects.order_by("title")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        cast(forms.ModelChoiceField, self.fields["depends_on"]).queryset = others
        self.fields["depends_on"].widget.attrs["size"] = 6
        self.fields["depends_on"].help_text = _("Projects that must deliver first. Hold Ctrl to choose several.")

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data  # a parent's clean() may return None
        # The reason belongs to the status it explains. When a stopped or suspended project moves on
        # and the old reason was left as it was, it no longer explains anything: it is dropped. (The
        # model refuses a stopped or suspended project without a reason.)
        status, reason = cleaned.get("status"), (cleaned.get("status_reason") or "").strip()
        old_reason = self.instance.status_reason.strip() if self.instance.pk else ""
        if status and status != self.instance.status and status not in Project.NEEDS_REASON and reason == old_reason:
            cleaned["status_reason"] = ""
        return cleaned


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["decided_on", "body", "reference", "note"]
        widgets = {"decided_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}


class DecideForm(forms.Form):
    """A new project from one or several ideas, with the decision that made it."""

    ideas = forms.ModelMultipleChoiceField(
        label=_("Ideas"), queryset=Idea.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(label=_("Project title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=OrgUnit.objects.order_by("name"), required=False
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Project.Visibility.choices,
        initial=Project.Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["ideas"]).queryset = Idea.objects.filter(
            status__in=[Idea.Status.IN_POOL, Idea.Status.IN_REVIEW, Idea.Status.PRIORITISED]
        ).order_by("title")


class MilestoneForm(VersionedForm):
    class Meta:
        model = Milestone
        fields = ["title", "definition_of_done", "due_on", "done_on", "weight"]
        widgets = {"due_on": DATE, "done_on": DATE, "definition_of_done": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data  # a parent's clean() may return None
        done_on = cleaned.get("done_on")
        project = self.instance.project
        start = project.actual_start or project.planned_start
        if done_on and start and done_on < start:
            self.add_error(
                "done_on",
                _("A milestone cannot be done before the project started (%(start)s).")
                % {"start": start.strftime("%d.%m.%Y")},
            )
        return cleaned


class KpiForm(forms.ModelForm):
    class Meta:
        model = Kpi
        fields = ["name", "unit", "baseline", "target"]


class MeasurementForm(forms.ModelForm):
    class Meta:
        model = Measurement
        fields = ["measured_on", "value"]
        widgets = {"measured_on": DATE}

    def clean_measured_on(self):
        day = self.cleaned_data["measured_on"]
        if Measurement.objects.filter(kpi=self.instance.kpi, measured_on=day).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("There is already a value for this day."))
        return day


class LogEntryForm(forms.ModelForm):
    class Meta:
        model = LogEntry
        fields = ["entry_date", "light", "happened", "next_steps", "blockers"]
        widgets = {
            "entry_date": DATE,
            "light": forms.RadioSelect,
            "happened": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "blockers": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the platform writes entries without a light (those that record a status change).
        self.fields["light"].required = True
        cast(forms.ChoiceField, self.fields["light"]).choices = LogEntry.Light.choices


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    track = forms.ChoiceField(
        label=_("Running and on track"),
        required=False,
        choices=[
            ("", _("all")),
            ("running", _("running")),
            ("on_track", _("running and on track")),
            ("not_on_track", _("running, not on track")),
        ],
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.order_by("name"), required=False)
    field = forms.ModelChoiceField(
        label=_("Field of action"), queryset=FieldOfAction.objects.order_by("position", "title"), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("all")), *Project.Status.choices]
        cast(forms.ModelChoiceField, self.fields["unit"]).empty_label = _("all")
        cast(forms.ModelChoiceField, self.fields["field"]).empty_label = _("all")


class MeasuresUploadForm(forms.Form):
    file = TableFileField(
        label=_("CSV or Excel file"),
        help_text=_("One row per milestone; rows with the same project title form one project. At most 5 MB."),
    )


class ColumnMappingForm(forms.Form):
    """Which column of the file holds what; guessed from the header, changeable before importing."""

    def __init__(self, *args, header: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("– not in the file –")), *[(str(i), name or f"#{i + 1}") for i, name in enumerate(header)]]
        for target, (label, _names) in TARGETS.items():
            self.fields[f"map_{target}"] = forms.ChoiceField(label=label, choices=choices, required=target == "title")

    def mapping(self) -> dict[str, int]:
        return {
            name.removeprefix("map_"): int(value)
            for name, value in self.cleaned_data.items()
            if value not in ("", None)
        }
