"""Digital maturity (Digitalgrad): a versioned questionnaire, assessment rounds, answers and targets.

A questionnaire version is frozen as soon as a round uses it; editing it afterwards creates the
next version (see services.questionnaire_editable), so every round stays bound to the exact
questions its respondents saw and rounds remain comparable. Dimensions carry a stable `key`
across versions: targets, comparisons between rounds and the shared aggregates use it.

Texts are stored in German and English side by side (`title_de`/`title_en`, …); the `title`,
`text` and `levels` properties return the one matching the active language, falling back to German.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

SCORE_MIN = 0
SCORE_MAX = 4
SCORES = range(SCORE_MIN, SCORE_MAX + 1)


def _localized(obj: models.Model, name: str):
    """The English value when English is active and it is filled in, otherwise the German one."""
    if (get_language() or "de").startswith("en"):
        value = getattr(obj, f"{name}_en")
        if value:
            return value
    return getattr(obj, f"{name}_de")


class Questionnaire(models.Model):
    """One version of the questionnaire."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")

    def __str__(self) -> str:
        return str(_("Questionnaire, version %(version)s") % {"version": self.version})

    def get_absolute_url(self) -> str:
        return reverse("maturity:questionnaire") + f"?version={self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Dimension(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="dimensions", verbose_name=_("questionnaire")
    )
    key = models.SlugField(
        _("key"),
        max_length=50,
        help_text=_("Stays the same across versions, so rounds, targets and comparisons find the dimension again."),
    )
    title_de = models.CharField(_("title (German)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    description_de = models.TextField(_("description (German)"), max_length=2000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=2000, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="maturity_unique_dimension_key"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _localized(self, "title")

    @property
    def description(self) -> str:
        return _localized(self, "description")


class Item(models.Model):
    """A statement scored 0–4; each level has a written description in both languages."""

    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="items", verbose_name=_("dimension")
    )
    text_de = models.CharField(_("question (German)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    # Five descriptions each, for the levels 0 to 4.
    levels_de = models.JSONField(_("level descriptions (German)"), default=list)
    levels_en = models.JSONField(_("level descriptions (English)"), default=list, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return _localized(self, "text")

    @property
    def levels(self) -> list[str]:
        levels = _localized(self, "levels")
        return list(levels) + [""] * (len(SCORES) - len(levels))

    def level_choices(self) -> list[tuple[int, str]]:
        return [
            (score, f"{score} – {text}" if text else str(score))
            for score, text in zip(SCORES, self.levels, strict=True)
        ]


class RoundQuerySet(models.QuerySet["Round"]):
    def closed(self) -> "RoundQuerySet":
        return self.filter(state=Round.State.CLOSED)


class Round(models.Model):
    """An assessment round, answered independently by several respondents from different units."""

    class State(models.TextChoices):
        OPEN = "open", _("open for answers")
        CLOSED = "closed", _("closed")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("questionnaire version")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    opens_on = models.DateField(_("opens on"), default=timezone.localdate)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("maturity:round", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def previous(self) -> "Round | None":
        """The closed round before this one, to compare with."""
        earlier = Round.objects.closed().exclude(pk=self.pk).filter(opens_on__lte=self.opens_on)
        return earlier.exclude(opens_on=self.opens_on, pk__gt=self.pk).order_by("-opens_on", "-pk").first()


class Response(models.Model):
    """One respondent's answers in one round. Only submitted responses count in the results."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses", verbose_name=_("round"))
    # Empty after the respondent deleted their account: the answers stay, anonymous.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="maturity_responses",
        verbose_name=_("respondent"),
    )
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="maturity_responses",
        verbose_name=_("answering for the unit"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="maturity_one_response_per_person")]

    def __str__(self) -> str:
        return f"{self.round} – {self.unit or '–'}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers", verbose_name=_("item"))
    # Empty: "cannot judge"; such answers do not count.
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    evidence = models.TextField(_("evidence"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="maturity_one_answer_per_item"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                name="maturity_score_on_scale",
            ),
        ]

    def __str__(self) -> str:
        # Named after its statement (the audit trail shows this name); the number only where the
        # statement was not loaded with the answer, so that naming an answer never costs a query.
        item = self.item if Answer.item.is_cached(self) else gettext("Statement %(number)s") % {"number": self.item_id}
        if self.score is None:
            return str(item)
        return gettext("%(statement)s (level %(score)s)") % {"statement": item, "score": self.score}


class Target(models.Model):
    """Where the municipality wants to be in one dimension, and by when."""

    dimension_key = models.SlugField(_("dimension"), max_length=50, unique=True)
    level = models.DecimalField(
        _("target level"),
        max_digits=2,
        decimal_places=1,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    horizon = models.DateField(_("reached by"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["dimension_key"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=SCORE_MIN, level__lte=SCORE_MAX), name="maturity_target_on_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension_key}: {self.level}"


class GapIdea(models.Model):
    """The origin of an idea created from a gap (target − now) of a round; the idea lives in the idea pool."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="gap_ideas")
    dimension_key = models.SlugField(max_length=50)
    gap = models.DecimalField(max_digits=3, decimal_places=1)
    idea = models.OneToOneField("ideas.Idea", on_delete=models.CASCADE, related_name="maturity_gap")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idea from a maturity gap")
        verbose_name_plural = _("ideas from maturity gaps")
        constraints = [
            models.UniqueConstraint(fields=["round", "dimension_key"], name="maturity_one_idea_per_gap"),
        ]

    def __str__(self) -> str:
        return f"{self.round} / {self.dimension_key}"


class Settings(models.Model):
    """This installation's choices for the maturity assessment (one row)."""

    share_aggregates = models.BooleanField(
        _("share aggregates with other municipalities"),
        default=False,
        help_text=_(
            "Only the mean and median per dimension of the latest closed round leave the installation, signed, "
            "and only when at least three people answered – never single answers, units, names or evidence notes. "
            "Turning this off withdraws them."
        ),
    )

    class Meta:
        verbose_name = _("maturity settings")
        verbose_name_plural = _("maturity settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def load(cls) -> "Settings":
        return cls.objects.get_or_create(pk=1)[0]


class PeerMaturityQuerySet(models.QuerySet["PeerMaturity"]):
    def shared(self) -> "PeerMaturityQuerySet":
        """Peers whose last answer was an aggregate (not a withdrawal or nothing at all)."""
        return self.exclude(questionnaire="")


class PeerMaturity(models.Model):
    """The maturity aggregate another installation shares (maturity/peering.py), one row per peer.

    Only aggregates arrive: the mean and median per dimension key of the peer's latest closed round,
    the month it was assessed and a bucket for the number of respondents. `questionnaire` is the
    fingerprint of the questionnaire version it was answered with (maturity/sharing.py); only peers
    with the same fingerprint are compared. An empty fingerprint means the peer shares nothing (now):
    it never did or withdrew. The error fields describe the last refused answer; a refused answer
    never replaces what was accepted before.
    """

    peer = models.OneToOneField("exchange.Peer", on_delete=models.CASCADE, related_name="maturity")
    questionnaire = models.CharField(_("questionnaire fingerprint"), max_length=64, blank=True, db_index=True)
    assessed_on = models.CharField(_("assessed in"), max_length=7, blank=True)  # YYYY-MM
    respondents = models.CharField(_("respondents"), max_length=10, blank=True)  # a bucket such as "3-9"
    dimensions = models.JSONField(_("dimensions"), default=dict)  # key → {"mean": float, "median": float}
    document = models.JSONField(default=dict)
    signature = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(_("last error"), null=True, blank=True)

    objects = PeerMaturityQuerySet.as_manager()

    class Meta:
        verbose_name = _("maturity aggregate of another municipality")
        verbose_name_plural = _("maturity aggregates of other municipalities")

    def __str__(self) -> str:
        return str(self.peer)
