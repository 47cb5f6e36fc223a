"""Lessons learned (Erfahrungsberichte): what a project, or the strategy process itself, taught.

A lesson is written by staff, reviewed by the strategy team and only then published. Failure is
an outcome like any other: `Outcome.FAILED` and `Outcome.STOPPED` are shown, filtered and counted
wherever outcomes appear, never hidden.
"""

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.querysets import ListQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.slug = self.slug or slugify(self.name)[:60] or f"tag-{timezone.now():%Y%m%d%H%M%S}"
        super().save(*args, **kwargs)


class LessonQuerySet(ListQuerySet["Lesson"]):
    SORTS = {
        "newest": ("-published_at", "-created_at", "-pk"),
        "oldest": ("published_at", "created_at", "pk"),
        "title": ("title", "pk"),
    }
    DEFAULT_SORT = "newest"

    def published(self) -> "LessonQuerySet":
        return self.filter(state=Lesson.State.PUBLISHED)

    def public(self) -> "LessonQuerySet":
        """What anyone may read: published, and meant for the public or the nationwide network."""
        return self.published().filter(visibility__in=[Lesson.Visibility.PUBLIC, Lesson.Visibility.NETWORK])

    def network(self) -> "LessonQuerySet":
        """What the exchange shares with other municipalities."""
        return self.published().filter(visibility=Lesson.Visibility.NETWORK)

    def filter_by(
        self,
        *,
        q: str = "",
        tag: "Tag | str | None" = None,
        field_of_action=None,
        scope: str = "",
        state: str = "",
        outcome: str = "",
    ) -> "LessonQuerySet":
        """The lesson list's filters (page and API); an empty value filters nothing. `tag` is a tag or
        its slug, `field_of_action` a field or its id."""
        tags = {"tags__slug": tag} if isinstance(tag, str) else {"tags": tag}
        return self.containing(q, "title", "context").filter_given(
            **tags, fields_of_action=field_of_action, scope=scope, state=state, outcome=outcome
        )


class Lesson(models.Model):
    class Scope(models.TextChoices):
        PROJECT = "project", _("a project")
        STRATEGY = "strategy", _("the strategy process")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("success")
        PARTIAL = "partial", _("partial success")
        FAILED = "failed", _("failed")
        STOPPED = "stopped", _("stopped")
        TOO_EARLY = "too_early", _("too early to tell")

    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("internal (administration only)")
        PUBLIC = "public", _("public")
        NETWORK = "network", _("public and shared with other municipalities")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    scope = models.CharField(_("lesson about"), max_length=10, choices=Scope.choices, default=Scope.PROJECT)
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("project"),
    )
    title = models.CharField(_("title"), max_length=200)
    context = models.TextField(_("context and goal"), max_length=10000)
    what_worked = models.TextField(_("what worked"), blank=True, max_length=10000)
    what_did_not = models.TextField(_("what did not work"), blank=True, max_length=10000)
    resistance = models.TextField(_("resistance met and how it was handled"), blank=True, max_length=10000)
    conflicts = models.TextField(_("conflicts of interest and how they were resolved"), blank=True, max_length=10000)
    do_differently = models.TextField(_("what we would do differently"), blank=True, max_length=10000)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.TOO_EARLY)
    cost_and_effort = models.TextField(
        _("honest cost and effort"),
        blank=True,
        max_length=5000,
        help_text=_("What it really cost in money, working time and nerves, including what was not planned."),
    )
    cost_eur = models.DecimalField(_("cost in euros"), max_digits=14, decimal_places=2, null=True, blank=True)
    effort_person_days = models.PositiveIntegerField(_("effort in person-days"), null=True, blank=True)
    advice = models.TextField(_("advice for others"), blank=True, max_length=10000)
    contact_allowed = models.BooleanField(
        _("the authors may be contacted"),
        default=False,
        help_text=_("Other municipalities may ask the authors about this lesson."),
    )
    fields_of_action = models.ManyToManyField(
        "strategy.FieldOfAction", blank=True, related_name="lessons", verbose_name=_("fields of action")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="lessons", verbose_name=_("tags"))
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="lessons", verbose_name=_("authors")
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    review_note = models.TextField(
        _("note from the review"),
        blank=True,
        max_length=5000,
        help_text=_("Why it was sent back, or what was changed when publishing."),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-pk"]
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")
        indexes = [
            models.Index(fields=["state", "visibility", "-published_at"]),
            models.Index(fields=["outcome"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lessons:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.state == self.State.PUBLISHED and self.visibility != self.Visibility.INTERNAL

    @property
    def is_failure(self) -> bool:
        return self.outcome in (self.Outcome.FAILED, self.Outcome.STOPPED)

    def sections(self) -> "list[tuple[StrOrPromise, str]]":
        """The narrative parts in reading order, with their labels, leaving out empty ones."""
        names = ["context", "what_worked", "what_did_not", "resistance", "conflicts", "do_differently"]
        names += ["cost_and_effort", "advice"]
        # Text fields of this model, not relations: get_field() returns a models.Field for each.
        return [
            (cast(models.Field, self._meta.get_field(n)).verbose_name, getattr(self, n))
            for n in names
            if getattr(self, n)
        ]
