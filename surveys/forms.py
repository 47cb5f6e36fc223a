from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.honeypot import HoneypotMixin
from participation.models import Stakeholder
from strategy.models import FieldOfAction
from surveys.models import SCALE_VALUES, TEXT_ANSWER_MAX, Question, Survey
from surveys.services import GivenAnswer

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MAX_OPTIONS = 20
MAX_INVITATIONS = 500


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = [
            "title",
            "introduction",
            "field_of_action",
            "opens_at",
            "closes_at",
            "audience",
            "anonymous",
            "is_published",
            "stakeholders",
        ]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "opens_at": DATETIME_WIDGET,
            "closes_at": DATETIME_WIDGET,
            "audience": forms.RadioSelect,
            "stakeholders": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["field_of_action"]).queryset = FieldOfAction.objects.order_by(
            "position", "title"
        )
        cast(forms.ModelChoiceField, self.fields["stakeholders"]).queryset = Stakeholder.objects.order_by("name")
        self.fields["stakeholders"].help_text = _("The groups this survey asks; they show it on their page.")
        for name in ("opens_at", "closes_at"):
            cast(forms.DateTimeField, self.fields[name]).input_formats = [
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%d %H:%M",
                "%d.%m.%Y %H:%M",
            ]
        if self.instance.pk and self.instance.response_count:
            # People answered under these terms: an anonymous survey must not start recording
            # names, nor a named one pretend its earlier answers were anonymous.
            for name in ("audience", "anonymous"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Cannot be changed once answers have arrived.")


class QuestionForm(forms.ModelForm):
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For single and multiple choice: one option per line, at least 2, at most %(max)d.")
        % {"max": MAX_OPTIONS},
    )

    class Meta:
        model = Question
        fields = ["text", "help_text", "kind", "options", "required", "scale_low", "scale_high"]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["options"] = "\n".join(c.label for c in self.instance.choices.all())

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data  # a parent's clean() may return None
        lines = [line.strip() for line in cleaned.get("options", "").splitlines()]
        options = [line for line in lines if line]
        kind = cleaned.get("kind")
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            if len(options) < 2:
                self.add_error("options", _("Enter at least two options, one per line."))
            elif len(options) > MAX_OPTIONS:
                self.add_error("options", _("At most %(max)d options are possible.") % {"max": MAX_OPTIONS})
            elif any(len(option) > 200 for option in options):
                self.add_error("options", _("An option may have at most 200 characters."))
            elif len(set(options)) != len(options):
                self.add_error("options", _("Every option must be different."))
        cleaned["option_list"] = options if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) else []
        return cleaned


class InvitationForm(forms.Form):
    labels = forms.CharField(
        label=_("New links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One line per link, e.g. the group or person it goes to. At most %(max)d at once.")
        % {"max": MAX_INVITATIONS},
    )
    stakeholders = forms.ModelMultipleChoiceField(
        label=_("One link per stakeholder"),
        queryset=Stakeholder.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data  # a parent's clean() may return None
        labels = [line.strip()[:200] for line in cleaned.get("labels", "").splitlines() if line.strip()]
        stakeholders = list(cleaned.get("stakeholders") or [])
        if not labels and not stakeholders:
            raise forms.ValidationError(_("Enter at least one line or choose a stakeholder."))
        if len(labels) + len(stakeholders) > MAX_INVITATIONS:
            raise forms.ValidationError(_("At most %(max)d links at once.") % {"max": MAX_INVITATIONS})
        cleaned["label_list"] = labels
        return cleaned


def _field_for(question: Question) -> forms.Field:
    common: dict[str, Any] = {"label": question.text, "required": question.required, "help_text": question.help_text}
    if question.kind == Question.Kind.SINGLE:
        return forms.TypedChoiceField(
            choices=[(c.pk, c.label) for c in question.choices.all()],
            coerce=int,
            widget=forms.RadioSelect,
            **common,
        )
    if question.kind == Question.Kind.MULTIPLE:
        return forms.TypedMultipleChoiceField(
            choices=[(c.pk, c.label) for c in question.choices.all()],
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if question.kind == Question.Kind.SCALE:
        labels = {1: question.scale_low, 5: question.scale_high}
        choices = [(v, f"{v} – {labels[v]}" if labels.get(v) else str(v)) for v in SCALE_VALUES]
        return forms.TypedChoiceField(choices=choices, coerce=int, widget=forms.RadioSelect, **common)
    return forms.CharField(
        max_length=TEXT_ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        **{**common, "help_text": question.help_text or _("At most %(max)d characters.") % {"max": TEXT_ANSWER_MAX}},
    )


class AnswerForm(forms.Form):
    """One field per question, built from the survey."""

    def __init__(self, *args, questions: list[Question], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q{question.pk}"] = _field_for(question)

    def given_answers(self) -> list[GivenAnswer]:
        given = []
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if value in (None, "", []):
                continue
            choices = {c.pk: c for c in question.choices.all()}
            if question.kind == Question.Kind.SINGLE:
                given.append(GivenAnswer(question, [choices[value]]))
            elif question.kind == Question.Kind.MULTIPLE:
                given.append(GivenAnswer(question, [choices[v] for v in value]))
            elif question.kind == Question.Kind.SCALE:
                given.append(GivenAnswer(question, [], value=value))
            else:
                given.append(GivenAnswer(question, [], text=value.strip()))
        return given


class AnonymousAnswerForm(HoneypotMixin, AnswerForm):
    pass
