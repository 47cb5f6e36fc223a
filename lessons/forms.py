import re
from typing import cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lessons.models import Lesson, Tag
from projects.models import Project
from strategy.models import FieldOfAction

# A title travels into mail subjects, feeds and exports: one line, no control characters.
LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


class LessonForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    tag_names = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas, e.g. “procurement, change management”."),
    )

    class Meta:
        model = Lesson
        fields = [
            "title",
            "scope",
            "project",
            "outcome",
            "context",
            "what_worked",
            "what_did_not",
            "resistance",
            "conflicts",
            "do_differently",
            "cost_and_effort",
            "cost_eur",
            "effort_person_days",
            "advice",
            "fields_of_action",
            "contact_allowed",
            "visibility",
        ]
        widgets = {
            "scope": forms.RadioSelect,
            "outcome": forms.RadioSelect,
            "visibility": forms.RadioSelect,
            "fields_of_action": forms.CheckboxSelectMultiple,
            **{
                name: forms.Textarea(attrs={"rows": 4})
                for name in (
                    "context",
                    "what_worked",
                    "what_did_not",
                    "resistance",
                    "conflicts",
                    "do_differently",
                    "cost_and_effort",
                    "advice",
                )
            },
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["project"]).queryset = Project.objects.order_by("title")
        cast(forms.ModelChoiceField, self.fields["fields_of_action"]).queryset = FieldOfAction.objects.order_by(
            "position", "title"
        )
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
            self.initial["tag_names"] = ", ".join(tag.name for tag in self.instance.tags.all())

    def clean_title(self) -> str:
        title = self.cleaned_data["title"]
        if LINE_BREAKS.search(title):
            raise forms.ValidationError(_("The title is a single line: remove the line breaks and control characters."))
        return title

    def clean_tag_names(self) -> str:
        names = [part.strip() for part in self.cleaned_data["tag_names"].split(",") if part.strip()]
        if len(names) > 10:
            raise forms.ValidationError(_("At most 10 tags."))
        if any(len(name) > 60 for name in names):
            raise forms.ValidationError(_("A tag has at most 60 characters."))
        return ", ".join(names)

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data  # a parent's clean() may return None
        if data.get("scope") == Lesson.Scope.PROJECT and not data.get("project"):
            self.add_error("project", _("Choose the project this lesson is about."))
        if data.get("scope") == Lesson.Scope.STRATEGY:
            data["project"] = None
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish")), ("return", _("Send back to the authors"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when sending back: what should change."),
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), required=True)


class LessonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    tag = forms.ModelChoiceField(label=_("Tag"), queryset=Tag.objects.none(), required=False, to_field_name="slug")
    field = forms.ModelChoiceField(
        label=_("Field of action"), queryset=FieldOfAction.objects.order_by("position", "title"), required=False
    )
    scope = forms.ChoiceField(label=_("About"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args, internal: bool = False, tags: "QuerySet[Tag] | None" = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only tags of lessons the person may read: a draft's tags would tell what is being written.
        cast(forms.ModelChoiceField, self.fields["tag"]).queryset = tags if tags is not None else Tag.objects.none()
        cast(forms.ChoiceField, self.fields["outcome"]).choices = [("", _("all")), *Lesson.Outcome.choices]
        cast(forms.ChoiceField, self.fields["scope"]).choices = [("", _("all")), *Lesson.Scope.choices]
        cast(forms.ChoiceField, self.fields["state"]).choices = [("", _("all")), *Lesson.State.choices]
        cast(forms.ModelChoiceField, self.fields["tag"]).empty_label = _("all")
        cast(forms.ModelChoiceField, self.fields["field"]).empty_label = _("all")
        if not internal:
            del self.fields["state"]
