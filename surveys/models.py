"""Needs surveys (Bedarfserhebung): a questionnaire, who may answer it, and the answers.

One answer per person or link is kept by the database, not by the view: a response carries a
`respondent_key` that is unique per survey (an HMAC of the account for account surveys, the
invitation for invitation surveys, a random browser key for open surveys). Anonymous surveys
store only that key, never the account.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TEXT_ANSWER_MAX = 2000
SCALE_VALUES = range(1, 6)


class SurveyQuerySet(models.QuerySet["Survey"]):
    def published(self) -> "SurveyQuerySet":
        return self.filter(is_published=True)

    def listed(self) -> "SurveyQuerySet":
        """Published surveys anyone may find: not the invitation-only ones."""
        return self.published().exclude(audience=Survey.Audience.INVITATION)


class Survey(models.Model):
    class Audience(models.TextChoices):
        OPEN = "open", _("everyone, no account needed")
        ACCOUNTS = "accounts", _("everyone with an account (one answer per account)")
        INVITATION = "invitation", _("invited persons only, with personal links")

    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(
        _("introduction"), blank=True, max_length=5000, help_text=_("What the survey is for and what happens with it.")
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.OPEN)
    anonymous = models.BooleanField(
        _("anonymous answers"),
        default=True,
        help_text=_("Answers are stored without the person who gave them."),
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Only published surveys can be answered.")
    )
    field_of_action = models.ForeignKey(
        "strategy.FieldOfAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("field of action"),
    )
    stakeholders = models.ManyToManyField(
        "participation.Stakeholder", blank=True, related_name="surveys", verbose_name=_("stakeholders asked")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    response_count = models.PositiveIntegerField(default=0, editable=False)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:detail", args=[self.pk])

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The survey must close after it opens.")})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_published and self.opens_at <= now < self.closes_at

    @property
    def phase(self) -> str:
        now = timezone.now()
        if not self.is_published:
            return "draft"
        if now < self.opens_at:
            return "upcoming"
        if now >= self.closes_at:
            return "closed"
        return "open"

    def get_phase_display(self) -> str:
        return {
            "draft": _("draft"),
            "upcoming": _("not yet open"),
            "open": _("open"),
            "closed": _("closed"),
        }[self.phase]


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        SCALE = "scale", _("scale 1–5")
        TEXT = "text", _("free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind of question"), max_length=20, choices=Kind.choices, default=Kind.SINGLE)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("explanation"), max_length=500, blank=True)
    required = models.BooleanField(_("answer required"), default=False)
    scale_low = models.CharField(_("label for 1"), max_length=60, blank=True, help_text=_("e.g. “not important”"))
    scale_high = models.CharField(_("label for 5"), max_length=60, blank=True, help_text=_("e.g. “very important”"))

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(_("option"), max_length=200)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A personal link to an invitation-only survey; it can be used for one answer."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    label = models.CharField(
        _("label"), max_length=200, blank=True, help_text=_("For your own overview, e.g. the group it went to.")
    )
    stakeholder = models.ForeignKey(
        "participation.Stakeholder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("stakeholder"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        if self.label:
            return self.label
        return str(self.stakeholder) if self.stakeholder_id else f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:invited", args=[self.token])


class Response(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent_key = models.CharField(max_length=64)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
        help_text="Only for surveys that are not anonymous.",
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["survey", "respondent_key"], name="one_response_per_respondent")]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, null=True, blank=True, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=TEXT_ANSWER_MAX)
    idea = models.ForeignKey(
        "ideas.Idea", on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_answers"
    )

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["question", "choice"]), models.Index(fields=["question", "value"])]

    def __str__(self) -> str:
        return self.text[:60] or f"#{self.pk}"
