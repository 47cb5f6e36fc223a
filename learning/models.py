"""Learning offers ("Wissenshäppchen to go"): short learning units, their sessions, registrations and feedback.

A registration is unique per session and person (database constraint); the capacity is checked
while the session row is locked (services.registration_create), so two people registering at the
same moment cannot both take the last seat. Feedback belongs to the registration and is only
accepted once the strategy team recorded the person as present.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.querysets import ListQuerySet

RATING_MIN = 1
RATING_MAX = 5


class LearningUnitQuerySet(ListQuerySet["LearningUnit"]):
    SORTS = {
        # Needs the catalogue's `next_session` annotation; units without an upcoming session come last.
        "next": (models.F("next_session").asc(nulls_last=True), "title", "pk"),
        "title": ("title", "pk"),
        "duration": ("duration_minutes", "title", "pk"),
        "newest": ("-created_at", "-pk"),
    }
    DEFAULT_SORT = "next"

    def filter_by(
        self, *, q: str = "", topic: str = "", format: str = "", dimension_key: str = "", project=None
    ) -> "LearningUnitQuerySet":
        """The catalogue's filters (page and API); an empty value filters nothing. `project` is a
        project or its id."""
        return self.containing(q, "title", "summary").filter_given(
            topic=topic, format=format, dimension_key=dimension_key, projects=project
        )


class LearningUnit(models.Model):
    class Format(models.TextChoices):
        VIDEO = "video", _("video")
        WORKSHOP = "workshop", _("workshop")
        ELEARNING = "elearning", _("e-learning")
        LUNCH_TALK = "lunch_talk", _("lunch talk")
        HANDOUT = "handout", _("handout")

    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(
        _("topic"), max_length=100, help_text=_("A short topic for grouping, e.g. “Videoconferencing” or “E-file”.")
    )
    summary = models.TextField(_("what you learn"), max_length=3000)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration in minutes"), validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.LUNCH_TALK)
    material_url = models.URLField(_("material (link)"), blank=True)
    material_file = models.FileField(_("material (file)"), upload_to="learning/%Y/", blank=True)
    dimension_key = models.SlugField(
        _("maturity dimension"),
        max_length=50,
        blank=True,
        help_text=_("The dimension of the maturity self-assessment this unit strengthens, usually “competences”."),
    )
    projects = models.ManyToManyField(
        "projects.Project",
        blank=True,
        related_name="learning_units",
        verbose_name=_("projects"),
        help_text=_("E.g. training for a tool a project rolls out."),
    )
    is_active = models.BooleanField(_("in the catalogue"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = LearningUnitQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("learning unit")
        verbose_name_plural = _("learning units")
        indexes = [models.Index(fields=["topic"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:unit", args=[self.pk])


class Session(models.Model):
    unit = models.ForeignKey(
        LearningUnit, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("learning unit")
    )
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(1000)], default=15
    )
    trainer = models.CharField(_("given by"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="learning_session_has_seats"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("learning:session", args=[self.pk])

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.unit.duration_minutes)

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


class Registration(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations")
    # Empty after the person deleted their account: counts and ratings stay, the person goes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_registrations",
        verbose_name=_("participant"),
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_registrations",
        verbose_name=_("unit"),
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    # None: not recorded yet.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    feedback = models.TextField(_("feedback"), max_length=2000, blank=True)
    feedback_at = models.DateTimeField(_("feedback given"), null=True, blank=True)

    class Meta:
        ordering = ["session", "registered_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="learning_one_registration_per_person"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="learning_rating_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} – {self.user or '–'}"
