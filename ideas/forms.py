import re
import secrets
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.honeypot import HoneypotMixin
from core.tables import TableFileField
from ideas.models import COMMENT_MAX, DESCRIPTION_MAX, TITLE_MAX, Idea
from ideas.permissions import merge_targets
from ideas.workflow import TRANSITIONS
from municipality.legal import PRIVACY_HINT
from strategy.models import FieldOfAction

SUBMISSION_TOKEN = re.compile(r"[A-Za-z0-9_-]{22,64}")


class SubmissionTokenMixin(forms.Form):
    """A random token per rendered form (hidden), so the view can tell a repeat of the same form (a
    double click, a parallel resend) from a new one. A form sent without a usable token (a page
    from before, a script) is shown again with a new one and asked to be sent again."""

    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    resend_message = _("Please send the form again.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        key = self.add_prefix("submission")
        self.has_token = self.is_bound and bool(SUBMISSION_TOKEN.fullmatch(self.data.get(key) or ""))
        if not self.has_token:
            token = secrets.token_urlsafe(24)
            if self.is_bound:
                # A QueryDict (the request's POST) or a dict: both are dicts and copy mutably.
                data = self.data.copy() if isinstance(self.data, dict) else dict(self.data)
                data[key] = token
                self.data = data
            else:
                self.initial["submission"] = token

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data  # a parent's clean() may return None
        if self.is_bound and not self.has_token:
            raise forms.ValidationError(self.resend_message)
        return cleaned


class IdeaForm(SubmissionTokenMixin, forms.ModelForm):
    """A new idea. The same form sent twice creates one idea (see ideas.views.idea_create)."""

    resend_message = _("Please check your idea and send the form again.")
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, help_text=_("One sentence: what should change?"))
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is the problem today, and what would be better? At most %(max)d characters.")
        % {"max": DESCRIPTION_MAX},
    )

    class Meta:
        model = Idea
        fields = [
            "title",
            "description",
            "field_of_action",
            "benefits_citizens",
            "benefits_staff",
            "benefits_businesses",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["field_of_action"]).queryset = FieldOfAction.objects.order_by(
            "position", "title"
        )
        cast(forms.ModelChoiceField, self.fields["field_of_action"]).empty_label = _("– not sure –")


class StaffIdeaForm(IdeaForm):
    class Meta(IdeaForm.Meta):
        fields = [*IdeaForm.Meta.fields, "source"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].required = False
        self.fields["source"].initial = Idea.Source.STAFF


class AnonymousIdeaForm(HoneypotMixin, IdeaForm):
    author_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        help_text=_("Shown with the idea. You may leave it empty."),
    )
    author_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send you a link to confirm the idea and tell you when its status changes. It is never shown."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my e-mail address is stored to confirm my idea and to inform me about it. "
            "It is deleted when I ask for it."
        ),
        help_text=PRIVACY_HINT,
    )

    class Meta(IdeaForm.Meta):
        fields = [*IdeaForm.Meta.fields, "author_name", "author_email"]


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Public reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the idea page and sent to the author."),
    )

    def __init__(self, *args, idea: Idea, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.get(idea.status, set())
        cast(forms.ChoiceField, self.fields["to_status"]).choices = [
            (value, label) for value, label in Idea.Status.choices if value in allowed
        ]


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for hiding"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown in place of the content."),
    )


class MergeForm(forms.Form):
    """The idea to keep (chosen from the candidates the page lists) and the public reason.

    The page renders the choices itself (similar ideas and search results, see ideas/_merge_candidates.html);
    whatever number arrives is checked here against the ideas that may be merge targets."""

    into = forms.IntegerField(
        label=_("Idea to keep"),
        min_value=1,
        error_messages={"required": _("Please choose the idea to keep.")},
    )
    reason = forms.CharField(label=_("Public reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, duplicate: Idea, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.duplicate = duplicate

    def clean_into(self) -> Idea:
        pk = self.cleaned_data["into"]
        if pk == self.duplicate.pk:
            raise forms.ValidationError(_("An idea cannot be merged into itself."))
        idea = merge_targets(self.duplicate).filter(pk=pk).first()
        if idea is not None:
            return idea
        if Idea.objects.public().filter(pk=pk, status=Idea.Status.MERGED).exists():
            raise forms.ValidationError(
                _("The idea to keep has itself been merged; choose the idea it was merged into.")
            )
        raise forms.ValidationError(_("There is no published idea with this number."))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(SubmissionTokenMixin, HoneypotMixin, forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with it?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class IdeaFilterForm(forms.Form):
    SORTS = [("newest", _("newest")), ("supported", _("most supported")), ("activity", _("latest activity"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False)
    field = forms.ModelChoiceField(label=_("Field of action"), required=False, queryset=FieldOfAction.objects.none())
    source = forms.ChoiceField(label=pgettext_lazy("origin of an idea", "Source"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("all")), *Idea.Status.choices]
        cast(forms.ChoiceField, self.fields["source"]).choices = [("", _("all")), *Idea.Source.choices]
        cast(forms.ModelChoiceField, self.fields["field"]).queryset = FieldOfAction.objects.order_by(
            "position", "title"
        )
        cast(forms.ModelChoiceField, self.fields["field"]).empty_label = _("all")


class ImportForm(forms.Form):
    file = TableFileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "Columns: Titel, Beschreibung (required); Handlungsfeld, Status, Eingereicht am, Quelle (optional). At most 5 MB."
        ),
    )
