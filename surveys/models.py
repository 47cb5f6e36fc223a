"""Needs surveys (Bedarfserhebung): a questionnaire, who may answer it, and the answers.

One answer per person or link is kept by the database, not by the view, and for anonymous
surveys in a way that links no answer to a person, not even for administrators or readers of
the database (docs/surveys.md, "Anonymity"):

- an invitation link is marked `used` (a flag, no time) in the transaction that stores the answer;
- an account is recorded in `Participation` ("this account has answered this survey"), a table
  with random ids, no times and no link to the answer;
- a browser without an account is kept by `respondent_key`, unique per survey: a keyed hash of a
  random value in that browser's cookie. For the other two the key is random, so it ties the answer
  to nothing;
- anonymous answers carry the day only (`submitted_on`) and random ids, so neither a time nor the
  order of ids can be matched with the order in which invitations were used or people logged in.
"""

import secrets
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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

    def get_phase_display(self) -> "StrOrPromise":
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
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")

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
    # Only whether, never when: a time would match the answer stored in the same moment.
    used = models.BooleanField(_("used"), default=False)

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
    # The day only: a time to the second could be matched with a log-in, a used link or a visit.
    submitted_on = models.DateField(_("submitted on"), default=timezone.localdate)

    class Meta:
        ordering = ["submitted_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["survey", "respondent_key"], name="one_response_per_respondent")]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Participation(models.Model):
    """That an account has answered a survey: keeps one answer per account, links to no answer.

    Random ids and no times, so neither the order of these rows nor a time can be matched with
    the answers (which have random ids too, for anonymous surveys).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_participations")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="one_participation_per_account")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.survey_id}"


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
