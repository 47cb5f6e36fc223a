"""Who is involved: identified stakeholders and the workshops held with them."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class Stakeholder(models.Model):
    """An identified organisation, group or person, with minimal data and, for persons, recorded consent."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("organisation")
        GROUP = "group", _("group")
        PERSON = "person", _("person")

    class Category(models.TextChoices):
        CITIZENS = "citizens", _("citizens and neighbourhoods")
        BUSINESS = "business", _("businesses")
        ASSOCIATIONS = "associations", _("associations and clubs")
        POLITICS = "politics", _("politics")
        ADMINISTRATION = "administration", _("administration")
        EDUCATION = "education", _("education and science")
        SOCIAL = "social", _("social services")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ORGANISATION)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER)
    influence = models.PositiveSmallIntegerField(_("influence (1–5)"), validators=SCALE, default=3)
    interest = models.PositiveSmallIntegerField(_("interest (1–5)"), validators=SCALE, default=3)
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_("Only what is needed to reach them, e.g. an office e-mail address."),
    )
    consent_on = models.DateField(_("consent recorded on"), null=True, blank=True, help_text=_("Required for persons."))
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    ideas = models.ManyToManyField("ideas.Idea", blank=True, related_name="stakeholders", verbose_name=_("ideas"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("participation:stakeholder_detail", args=[self.pk])

    def clean(self) -> None:
        if self.kind == self.Kind.PERSON and not self.consent_on:
            raise ValidationError(
                {"consent_on": _("A person may only be recorded with their consent; enter when they gave it.")}
            )


class Workshop(models.Model):
    """A participation event: who was there and what came out of it."""

    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place or online"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    stakeholders = models.ManyToManyField(
        Stakeholder, blank=True, related_name="workshops", verbose_name=_("groups present")
    )
    outcomes = models.TextField(_("outcomes"), blank=True, max_length=10000)
    ideas = models.ManyToManyField(
        "ideas.Idea", blank=True, related_name="workshops", verbose_name=_("ideas from this workshop")
    )

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:workshop_detail", args=[self.pk])
