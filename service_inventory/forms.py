from typing import cast

from django import forms
from django.db.models import F, OrderBy
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from ideas.models import Idea
from projects.models import Project
from service_inventory.applicability import Scope
from service_inventory.models import Level, LocalService, OzgService, Service
from service_inventory.services import level_since_problem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Services without data of the municipality come last in every order, on SQLite and PostgreSQL alike.
SORTS: dict[str, list[str | OrderBy]] = {
    "relevance": ["relevance", "name", "pk"],  # only with a search (services.search annotates it)
    "name": ["name", "pk"],
    "topic": [F("ozg__themenfeld").asc(nulls_last=True), "name", "pk"],
    "level": [F("local__level").desc(nulls_last=True), "name", "pk"],
    "cases": [F("local__cases_per_year").desc(nulls_last=True), "name", "pk"],
    "updated": [F("local__updated_at").desc(nulls_last=True), "name", "pk"],
}


def topic_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(Themenfelder, Lebenslagen) of the catalogue, read in one query."""
    pairs = OzgService.objects.order_by().values_list("themenfeld", "lebenslage").distinct()
    topics, situations = set(), set()
    for topic, situation in pairs:
        topics.add(topic)
        if situation:
            situations.add(situation)
    return [(t, t) for t in sorted(topics)], [(s, s) for s in sorted(situations)]


class ServiceFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Words as citizens use them, e.g. “ummelden” or “Perso”, or a LeiKa key."),
    )
    catalogue = forms.ChoiceField(
        label=_("Services shown"),
        required=False,
        choices=[("", _("those of our municipality")), ("all", _("all services of the catalogue"))],
    )
    scope = forms.ChoiceField(label=_("Carried out by"), required=False)
    themenfeld = forms.ChoiceField(label=_("Topic"), required=False)
    lebenslage = forms.ChoiceField(label=_("Life situation"), required=False)
    provided = forms.ChoiceField(
        label=_("Provided by us"),
        required=False,
        choices=[("", _("all")), ("yes", _("provided")), ("no", _("not provided"))],
    )
    level = forms.TypedChoiceField(
        label=_("Maturity level"), required=False, coerce=int, empty_value=None, choices=[("", _("all"))]
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.order_by("name"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("best match when searching, otherwise name")),
            ("name", _("name")),
            ("topic", _("topic")),
            ("level", _("level, highest first")),
            ("cases", _("cases per year, most first")),
            ("updated", _("last change")),
        ],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        topics, situations = topic_choices()
        cast(forms.ChoiceField, self.fields["themenfeld"]).choices = [("", _("all")), *topics]
        cast(forms.ChoiceField, self.fields["lebenslage"]).choices = [("", _("all")), *situations]
        cast(forms.ChoiceField, self.fields["level"]).choices = [("", _("all")), *Level.choices]
        cast(forms.ModelChoiceField, self.fields["unit"]).empty_label = _("all")
        cast(forms.ChoiceField, self.fields["scope"]).choices = [("", _("all")), *Scope.choices]


class PublicFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("For example “ummelden”, “Perso” or “Führerschein verloren”."),
    )
    themenfeld = forms.ChoiceField(label=_("Topic"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the topics of services that are online here: no filter that can only find nothing.
        topics = (
            OzgService.objects.filter(services__in=Service.objects.online())
            .order_by("themenfeld")
            .values_list("themenfeld", flat=True)
            .distinct()
        )
        cast(forms.ChoiceField, self.fields["themenfeld"]).choices = [("", _("all")), *((t, t) for t in topics)]


class LocalServiceForm(forms.ModelForm):
    level_since = forms.DateField(
        label=_("Level reached on"),
        required=False,
        widget=DATE,
        help_text=_("Only used when the level changes; empty means today. Keeps the progress chart honest."),
    )

    class Meta:
        model = LocalService
        fields = [
            "provided",
            "unit",
            "level",
            "level_since",
            "online_url",
            "cases_per_year",
            "target_level",
            "target_date",
            "pain_points",
        ]
        widgets = {"target_date": DATE, "pain_points": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, can_assign_unit: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = OrgUnit.objects.order_by("name")
        if not can_assign_unit:
            self.fields["unit"].disabled = True
            self.fields["unit"].help_text = _("Only the strategy team assigns the responsible unit.")
        cast(forms.ChoiceField, self.fields["target_level"]).choices = [("", "–"), *Level.choices]
        self.fields["cases_per_year"].widget.attrs["min"] = 0

    def clean_level_since(self):
        day = self.cleaned_data["level_since"]
        problem = level_since_problem(self.instance, day)
        if problem:
            raise forms.ValidationError(problem)
        return day


class BacklogForm(forms.Form):
    idea = forms.IntegerField(
        label=_("Idea number"),
        required=False,
        min_value=1,
        help_text=_("The number shown on the idea's page, e.g. 42."),
    )
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        cast(forms.ModelChoiceField, self.fields["project"]).queryset = (
            Project.objects.visible_to(user).only("pk", "title").order_by("title")
        )
        cast(forms.ModelChoiceField, self.fields["project"]).empty_label = "–"

    def clean_idea(self):
        number = self.cleaned_data["idea"]
        if number is None:
            return None
        idea = Idea.objects.visible_to(self.user).filter(pk=number).only("pk", "title").first()
        if idea is None:
            raise forms.ValidationError(_("There is no idea with this number."))
        return idea

    def clean(self):
        data = super().clean() or self.cleaned_data  # a parent's clean() may return None
        if not self.errors and not data.get("idea") and not data.get("project"):
            raise forms.ValidationError(_("Choose an idea or a project."))
        return data
