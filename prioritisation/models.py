"""Prioritisation (Priorisierung): a catalogue of criteria, priority rounds and the assessors' scores.

A round copies the criteria it uses (name, scale, direction, weight) into `RoundCriterion` rows,
so later changes to the catalogue never change a round that is already being scored or closed.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Scales and weights are small whole numbers; the database refuses anything outside these bounds.
SCALE_LIMIT = 100
WEIGHT_LIMIT = 100
COMMENT_MAX = 500


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class MatrixAxis(models.TextChoices):
    NONE = "", _("not shown in the matrix")
    IMPACT = "impact", _("impact (vertical axis)")
    EFFORT = "effort", _("effort (horizontal axis)")


class ScaledCriterion(models.Model):
    """What a catalogue criterion and its frozen copy in a round have in common."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    scale_min = models.PositiveSmallIntegerField(
        _("lowest value"), default=1, validators=[MaxValueValidator(SCALE_LIMIT - 1)]
    )
    scale_max = models.PositiveSmallIntegerField(
        _("highest value"), default=5, validators=[MinValueValidator(1), MaxValueValidator(SCALE_LIMIT)]
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction, default=Direction.HIGHER)
    matrix_axis = models.CharField(
        _("in the effort–impact matrix"), max_length=10, choices=MatrixAxis, default="", blank=True
    )
    derived = models.BooleanField(
        _("derived from participation"),
        default=False,
        help_text=_(
            "Not scored by the assessors but computed from supports, stakeholders and survey answers of the idea."
        ),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.scale_min is not None and self.scale_max is not None and self.scale_max <= self.scale_min:
            errors["scale_max"] = _("The highest value must be above the lowest value.")
        if self.derived and self.direction != Direction.HIGHER:
            errors["direction"] = _("Demand from participation counts as “higher is better”.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_lower_better(self) -> bool:
        return self.direction == Direction.LOWER

    def scale_values(self) -> range:
        return range(self.scale_min, self.scale_max + 1)


def _scale_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=models.Q(scale_max__gt=models.F("scale_min")), name=f"{prefix}_scale_max_above_min"
        ),
        models.CheckConstraint(condition=models.Q(scale_max__lte=SCALE_LIMIT), name=f"{prefix}_scale_within_limit"),
    ]


class Criterion(ScaledCriterion):
    """An entry in the catalogue the strategy team agrees on before any scoring."""

    default_weight = models.PositiveSmallIntegerField(
        _("default weight"),
        default=10,
        validators=[MaxValueValidator(WEIGHT_LIMIT)],
        help_text=_("Points from 0 to 100; a round can change them before scoring starts."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active criteria are offered for new rounds.")
    )

    class Meta(ScaledCriterion.Meta):
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = _scale_constraints("criterion")


class PriorityRound(models.Model):
    """A priority round (Priorisierungsrunde): frozen criteria and candidates, scored by assessors."""

    class State(models.TextChoices):
        DRAFT = "draft", _("in preparation")
        SCORING = "scoring", _("scoring")
        CLOSED = "closed", _("closed")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, max_length=5000, help_text=_("What is being decided and what happens next.")
    )
    state = models.CharField(
        pgettext_lazy("priority round", "state"),
        max_length=10,
        choices=State.choices,
        default=State.DRAFT,
        db_index=True,
    )
    due_on = models.DateField(_("scoring due by"), null=True, blank=True)
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="priority_rounds", verbose_name=_("assessors")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    scoring_started_at = models.DateTimeField(_("scoring started"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    closing_note = models.TextField(
        _("note on the decision"),
        blank=True,
        max_length=2000,
        editable=False,
        help_text=_("Added to the public reason on the page of every idea that becomes prioritised."),
    )

    class Meta:
        verbose_name = _("priority round")
        verbose_name_plural = _("priority rounds")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("prioritisation:round_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_scoring(self) -> bool:
        return self.state == self.State.SCORING

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED


class RoundCriterion(ScaledCriterion):
    """A criterion as a round uses it: copied from the catalogue, with the round's weight."""

    priority_round = models.ForeignKey(PriorityRound, on_delete=models.CASCADE, related_name="criteria")
    criterion = models.ForeignKey(
        Criterion, on_delete=models.SET_NULL, null=True, blank=True, related_name="round_copies"
    )
    weight = models.PositiveSmallIntegerField(_("weight"), default=10, validators=[MaxValueValidator(WEIGHT_LIMIT)])

    class Meta(ScaledCriterion.Meta):
        verbose_name = _("criterion of a round")
        verbose_name_plural = _("criteria of a round")
        constraints = [
            *_scale_constraints("round_criterion"),
            models.CheckConstraint(condition=models.Q(weight__lte=WEIGHT_LIMIT), name="round_criterion_weight_limit"),
        ]


class Candidate(models.Model):
    """An idea from the pool that a round ranks.

    The inputs of "demand from participation" are copied when the round closes, so a closed
    ranking stays the same when the idea gets more supports later.
    """

    priority_round = models.ForeignKey(PriorityRound, on_delete=models.CASCADE, related_name="candidates")
    idea = models.ForeignKey("ideas.Idea", on_delete=models.PROTECT, related_name="priority_candidacies")
    added_at = models.DateTimeField(auto_now_add=True)
    supports = models.PositiveIntegerField(null=True, blank=True, editable=False)
    stakeholder_weight = models.PositiveIntegerField(null=True, blank=True, editable=False)
    survey_answers = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The team's choice when the round closed: None while it is open.
    prioritised = models.BooleanField(_("prioritised"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["idea__title", "pk"]
        constraints = [models.UniqueConstraint(fields=["priority_round", "idea"], name="one_candidacy_per_round")]

    def __str__(self) -> str:
        return self.idea.title


class Score(models.Model):
    """One assessor's value for one candidate on one criterion, with an optional reason."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="scores")
    round_criterion = models.ForeignKey(RoundCriterion, on_delete=models.CASCADE, related_name="scores")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="priority_scores")
    value = models.PositiveSmallIntegerField(_("value"), validators=[MaxValueValidator(SCALE_LIMIT)])
    comment = models.CharField(_("reason"), max_length=COMMENT_MAX, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "round_criterion", "assessor"], name="one_score_per_assessor_and_criterion"
            ),
            models.CheckConstraint(condition=models.Q(value__lte=SCALE_LIMIT), name="score_within_limit"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} · {self.round_criterion}: {self.value}"

    def clean(self) -> None:
        criterion = self.round_criterion
        if criterion.derived:
            raise ValidationError(_("“%(criterion)s” is derived and not scored.") % {"criterion": criterion.name})
        if self.value is not None and not criterion.scale_min <= self.value <= criterion.scale_max:
            raise ValidationError(
                {
                    "value": _("“%(criterion)s” is scored from %(min)d to %(max)d.")
                    % {"criterion": criterion.name, "min": criterion.scale_min, "max": criterion.scale_max}
                }
            )
