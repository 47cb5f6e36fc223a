"""Projects with their Etappenziele (milestones), KPIs and progress log (Trainingslog).

Projects and milestones carry a `version` for optimistic locking: a save that started from an
older version is refused (see services.save_versioned), so two people editing at once never
overwrite each other silently.
"""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Self, TypedDict, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.querysets import ListQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations  # a model with the annotations of a queryset, for annotations only

STATUS_REASON_MAX = 2000
REASON_REQUIRED = {
    "stopped": _(
        "Please say why the project is stopped. Everyone who may see the project reads the reason on its page "
        "and in its progress log."
    ),
    "suspended": _(
        "Please say why the project is suspended. Everyone who may see the project reads the reason on its page "
        "and in its progress log."
    ),
}


def _short_date(value: object) -> str:
    """A date in the reader's format in names that land in the audit trail (also before it is cleaned)."""
    return formats.date_format(value, "SHORT_DATE_FORMAT") if isinstance(value, datetime.date) else str(value)


class TrackAnnotations(TypedDict):
    """What `ProjectQuerySet.with_track()` adds to each project."""

    has_overdue_milestone: bool


_P = TypeVar("_P", bound="Project", covariant=True)


class ProjectQuerySet(ListQuerySet[_P]):
    """Ways of querying projects, including THE definition of "running" and "on track".

    Every page, the council report and the API count with `running()` and `on_track()` and label a
    single project with `Project.track` – never with a list of statuses of their own (docs/projects.md).
    """

    SORTS = {
        "title": ("title", "pk"),
        "start": ("planned_start", "title"),
        "progress": ("-progress", "title"),
        "updated": ("-updated_at", "-pk"),
    }
    DEFAULT_SORT = "title"

    def public(self) -> Self:
        return self.filter(visibility=Project.Visibility.PUBLIC)

    def running(self) -> Self:
        """Begun and neither completed, stopped nor suspended (a planned project has not begun)."""
        return self.filter(status__in=Project.RUNNING)

    def with_track(self) -> "ProjectQuerySet[WithAnnotations[Project, TrackAnnotations]]":
        """Annotate whether a milestone is overdue, so `Project.track` needs no query per row."""
        overdue = Milestone.objects.filter(
            project=OuterRef("pk"), done_on__isnull=True, due_on__lt=timezone.localdate()
        )
        return self.annotate(has_overdue_milestone=Exists(overdue))

    def on_track(self) -> "ProjectQuerySet[WithAnnotations[Project, TrackAnnotations]]":
        """Running, the latest progress log entry is green and no milestone is overdue."""
        return self.running().with_track().filter(last_traffic_light=LogEntry.Light.GREEN, has_overdue_milestone=False)

    def not_on_track(self) -> Self:
        """Running, but not on track (`on_track()`)."""
        return self.running().exclude(pk__in=Project.objects.on_track().values("pk"))

    def filter_by(
        self, *, q: str = "", status: str = "", track: str = "", unit=None, field_of_action=None
    ) -> "ProjectQuerySet[Project]":
        """The project list's filters (page, roadmap and API); an empty value filters nothing.
        `track` is running, on_track or not_on_track; `unit` and `field_of_action` an object or its id."""
        projects: ProjectQuerySet[Project] = self.containing(q, "title", "summary").filter_given(status=status)
        if track == "running":
            projects = projects.running()
        elif track == "on_track":
            projects = projects.on_track()
        elif track == "not_on_track":
            projects = projects.not_on_track()
        return projects.filter_given(unit=unit, fields_of_action=field_of_action)

    def track_counts(self) -> tuple[int, int]:
        """(running projects on track, running projects) in one query."""
        running = self.running().with_track()
        on_track = models.Count(
            "pk", filter=models.Q(last_traffic_light=LogEntry.Light.GREEN, has_overdue_milestone=False)
        )
        counts = running.order_by().aggregate(on_track=on_track, running=models.Count("pk"))
        return counts["on_track"], counts["running"]

    def visible_to(self, user) -> Self:
        from projects.permissions import can_see_internal_projects

        return self if can_see_internal_projects(user) else self.public()


class Project(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_IMPLEMENTATION = "in_implementation", _("in implementation")
        FINALISING = "finalising", _("finalising")
        COMPLETED = "completed", _("completed")
        STOPPED = "stopped", _("stopped")
        SUSPENDED = "suspended", _("suspended")

    # Stopping or suspending a project needs a public reason (`status_reason`).
    NEEDS_REASON = (Status.STOPPED, Status.SUSPENDED)

    class Track(models.TextChoices):
        """Where a running project stands against its plan (not stored: see `Project.track`)."""

        ON_TRACK = "on_track", _("on track")
        AT_RISK = "at_risk", _("at risk")
        OFF_TRACK = "off_track", _("off track")
        OVERDUE = "overdue", _("milestone overdue")
        UNRATED = "unrated", _("not yet assessed")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        INTERNAL = "internal", _("internal")

    class ProgressMode(models.TextChoices):
        MILESTONES = "milestones", _("from the milestones (weighted)")
        MANUAL = "manual", _("set by hand, with a justification")

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True, help_text=_("One sentence for lists."))
    description = models.TextField(_("description"), blank=True, max_length=10000)
    fields_of_action = models.ManyToManyField(
        "strategy.FieldOfAction", blank=True, related_name="projects", verbose_name=_("fields of action")
    )
    goals = models.ManyToManyField("strategy.Goal", blank=True, related_name="projects", verbose_name=_("goals served"))
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("responsible unit"),
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_projects",
        verbose_name=_("project lead"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="projects",
        verbose_name=_("project members"),
        help_text=_("They write the progress log and edit milestones."),
    )
    partners = models.TextField(
        _("partners"),
        blank=True,
        max_length=2000,
        help_text=_("Other municipalities, vendors, networks – one per line."),
    )
    budget_planned = models.DecimalField(
        _("planned budget (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    budget_spent = models.DecimalField(_("spent so far (€)"), max_digits=14, decimal_places=2, null=True, blank=True)
    funding = models.CharField(_("funding"), max_length=300, blank=True, help_text=_("e.g. a federal programme"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True)
    status_reason = models.TextField(
        _("reason for the status"),
        blank=True,
        max_length=STATUS_REASON_MAX,
        help_text=_(
            "Required when the project is stopped or suspended. Everyone who may see the project reads it: on the "
            "project page, in the progress log and in reports, and for a public project other municipalities too."
        ),
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    risks = models.TextField(_("risks"), blank=True, max_length=5000)
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents", verbose_name=_("depends on")
    )
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    progress_mode = models.CharField(
        _("progress"), max_length=12, choices=ProgressMode.choices, default=ProgressMode.MILESTONES
    )
    manual_progress = models.PositiveSmallIntegerField(
        _("progress by hand (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    progress_justification = models.CharField(_("why this progress"), max_length=500, blank=True)
    ideas = models.ManyToManyField("ideas.Idea", blank=True, related_name="projects", verbose_name=_("ideas"))
    # Kept current by services.recompute_progress, so lists and the roadmap need no aggregation.
    progress = models.PositiveSmallIntegerField(default=0, editable=False)
    milestones_total = models.PositiveIntegerField(default=0, editable=False)
    milestones_done = models.PositiveIntegerField(default=0, editable=False)
    last_traffic_light = models.CharField(max_length=10, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    # "Running" (laufend): begun and neither completed, stopped nor suspended.
    RUNNING = (Status.IN_IMPLEMENTATION, Status.FINALISING)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["title"]
        indexes = [models.Index(fields=["status", "planned_start"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def track(self) -> "Project.Track | None":
        """Where this project stands against its plan; None unless it is running.

        Reads the annotation of `ProjectQuerySet.with_track()` when there is one (lists), else asks
        the database; the rule itself is `project_track`.
        """
        if not self.is_running:
            return None
        overdue = getattr(self, "has_overdue_milestone", None)
        if overdue is None:
            overdue = self.milestones.filter(done_on__isnull=True, due_on__lt=timezone.localdate()).exists()
        return project_track(status=self.status, light=self.last_traffic_light, overdue=overdue)

    def clean(self) -> None:
        errors = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The planned end cannot be before the planned start.")
        if self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            errors["actual_end"] = _("The actual end cannot be before the actual start.")
        if self.progress_mode == self.ProgressMode.MANUAL:
            if self.manual_progress is None:
                errors["manual_progress"] = _("Enter the progress in per cent.")
            if not self.progress_justification.strip():
                errors["progress_justification"] = _("Progress set by hand needs a justification.")
        if self.budget_planned is not None and self.budget_planned < 0:
            errors["budget_planned"] = _("A budget cannot be negative.")
        if self.budget_spent is not None and self.budget_spent < 0:
            errors["budget_spent"] = _("A budget cannot be negative.")
        if self.needs_reason and not self.status_reason.strip():
            errors["status_reason"] = REASON_REQUIRED[self.status]
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def needs_reason(self) -> bool:
        """Stopped and suspended projects must say why (`status_reason`)."""
        return self.status in self.NEEDS_REASON

    @property
    def budget_share(self) -> int | None:
        if not self.budget_planned or self.budget_spent is None:
            return None
        return round(100 * self.budget_spent / self.budget_planned)

    def partner_list(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]


# The two definitions in words, shown wherever a figure counts running projects or projects on track.
RUNNING_DEFINITION = _(
    "Running: begun and neither completed, stopped nor suspended (status “in implementation” or “finalising”)."
)
ON_TRACK_DEFINITION = _(
    "On track: running, the latest traffic light in the progress log is green and no milestone is overdue."
)


def project_track(*, status: str, light: str, overdue: bool) -> "Project.Track | None":
    """THE rule for one project, the same as `ProjectQuerySet.on_track()`; None unless running.

    On track only with a green latest progress log entry and no overdue milestone. Otherwise
    the worst that applies: a red entry, an overdue milestone, a yellow entry, or no entry yet.
    """
    if status not in Project.RUNNING:
        return None
    if light == LogEntry.Light.RED:
        return Project.Track.OFF_TRACK
    if overdue:
        return Project.Track.OVERDUE
    if light == LogEntry.Light.YELLOW:
        return Project.Track.AT_RISK
    if light == LogEntry.Light.GREEN:
        return Project.Track.ON_TRACK
    return Project.Track.UNRATED


class Decision(models.Model):
    """The record of a decision that turned one or several ideas into a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    decided_on = models.DateField(_("decided on"))
    body = models.CharField(_("decided by"), max_length=200, help_text=_("e.g. council, steering group, mayor"))
    reference = models.CharField(_("reference"), max_length=200, blank=True, help_text=_("e.g. Vorlage 2025/017"))
    note = models.TextField(_("note"), blank=True, max_length=2000)
    ideas = models.ManyToManyField("ideas.Idea", blank=True, related_name="decisions", verbose_name=_("ideas"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.body}, {self.decided_on:%d.%m.%Y}"


class Milestone(models.Model):
    """An Etappenziel: a stage goal with a definition of done."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    definition_of_done = models.TextField(
        _("definition of done"), max_length=2000, help_text=_("How everybody can see that it is reached.")
    )
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("How much this stage counts towards the project's progress (1–10)."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["done_on"]), models.Index(fields=["due_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.project_id]) + f"#milestone-{self.pk}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()


class Kpi(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("e.g. %, applications per month"))
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=Decimal(0))
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.project_id]) + f"#kpi-{self.pk}"


class Measurement(models.Model):
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("measured on"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["measured_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["kpi", "measured_on"], name="one_measurement_per_day")]

    def __str__(self) -> str:
        value: Decimal | int = self.value
        if isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
        return f"{self.kpi}: {formats.localize(value)} ({_short_date(self.measured_on)})"


class LogEntry(models.Model):
    """One entry of the progress log (Trainingslog): honest, dated, with a traffic light."""

    class Light(models.TextChoices):
        GREEN = "green", _("on track")
        YELLOW = "yellow", _("at risk")
        RED = "red", _("off track")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="log_entries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="project_log_entries"
    )
    entry_date = models.DateField(_("date"), default=timezone.localdate)
    happened = models.TextField(_("what happened"), max_length=5000)
    next_steps = models.TextField(_("next steps"), blank=True, max_length=3000)
    blockers = models.TextField(_("blockers"), blank=True, max_length=3000)
    # Empty only on an entry that records a status change: it says nothing about being on track.
    light = models.CharField(_("traffic light"), max_length=10, choices=Light.choices, default=Light.GREEN, blank=True)
    # Set when the platform wrote the entry because the project's status changed; `happened` holds the reason.
    status = models.CharField(
        _("new status"), max_length=20, choices=Project.Status.choices, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        ordering = ["-entry_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.project}: {_short_date(self.entry_date)}"

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.project_id]) + f"#log-{self.pk}"
