"""The idea pool: ideas with a public status history, supports, comments and moderation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.querysets import ListQuerySet
from core.text import stems_of

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
COMMENT_MAX = 2000


class Moderation(models.TextChoices):
    """Whether the public may see a contribution. Nothing is ever deleted silently."""

    UNCONFIRMED = "unconfirmed", _("awaiting e-mail confirmation")
    PENDING = "pending", _("awaiting moderation")
    PUBLISHED = "published", _("published")
    HIDDEN = "hidden", _("hidden by a moderator")


class IdeaQuerySet(ListQuerySet["Idea"]):
    SORTS = {
        "newest": ("-submitted_at", "-pk"),
        "supported": ("-support_count", "-submitted_at", "-pk"),
        "activity": ("-last_activity_at", "-pk"),
    }
    DEFAULT_SORT = "newest"

    def public(self) -> "IdeaQuerySet":
        return self.filter(moderation=Moderation.PUBLISHED)

    def visible_to(self, user) -> "IdeaQuerySet":
        """Published ideas, plus one's own and, for moderators, every confirmed one."""
        from ideas.permissions import can_moderate

        if can_moderate(user):
            return self.exclude(moderation=Moderation.UNCONFIRMED)
        if user.is_authenticated:
            return self.filter(Q(moderation=Moderation.PUBLISHED) | Q(author=user))
        return self.public()

    def awaiting_moderation(self) -> "IdeaQuerySet":
        return self.filter(moderation=Moderation.PENDING)

    def filter_by(self, *, status: str = "", source: str = "", field_of_action=None, q: str = "") -> "IdeaQuerySet":
        """The idea list's filters (page, export and API); an empty value filters nothing.
        `field_of_action` is a field or its id; `q` finds every word by its stem or in the title."""
        ideas = self.filter_given(status=status, field_of_action=field_of_action, source=source)
        for stem in stems_of(q):
            ideas = ideas.filter(Q(search_stems__contains=stem) | Q(title__icontains=stem))
        return ideas


class Idea(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        IN_REVIEW = "in_review", _("in review")
        IN_POOL = "in_pool", _("in the pool")
        MERGED = "merged", _("merged into another idea")
        DECLINED = "declined", _("declined")
        PRIORITISED = "prioritised", _("prioritised")
        IN_IMPLEMENTATION = "in_implementation", _("in implementation")
        REALISED = "realised", _("realised")

    class Source(models.TextChoices):
        STAFF = "staff", _("staff")
        DEPARTMENT = "department", _("department")
        CITIZEN = "citizen", _("citizen")
        STAKEHOLDER = "stakeholder", _("stakeholder")
        WORKSHOP = "workshop", _("workshop")
        SURVEY = "survey", _("survey")
        EXCHANGE = "exchange", _("another municipality")

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX)
    field_of_action = models.ForeignKey(
        "strategy.FieldOfAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("field of action"),
    )
    benefits_citizens = models.BooleanField(_("benefits citizens"), default=False)
    benefits_staff = models.BooleanField(_("benefits staff"), default=False)
    benefits_businesses = models.BooleanField(_("benefits businesses"), default=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.CITIZEN)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    moderation = models.CharField(
        _("moderation"), max_length=20, choices=Moderation, default=Moderation.PENDING, db_index=True
    )
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_ideas",
        verbose_name=_("merged into"),
    )

    # Who submitted it: an account, or (without one) a name and a confirmed e-mail address.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="ideas"
    )
    author_name = models.CharField(_("name"), max_length=150, blank=True)
    author_email = models.EmailField(_("e-mail address"), blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("unit"),
    )

    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now, db_index=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0, db_index=True)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)

    # The token of the submitted form: a repeat of the same form (double click, parallel resend)
    # finds this idea instead of creating a second one.
    submission_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    # Derived for matching; kept in the row so similar ideas need no second pass over the text.
    search_stems = models.TextField(blank=True, editable=False)
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    sparse_terms = models.BinaryField(null=True, blank=True, editable=False)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["moderation", "status", "-submitted_at"], name="idea_list_idx"),
            models.Index(fields=["moderation", "-submitted_at", "-id"], name="idea_newest_idx"),
            # "Most supported": the first page is read from the index instead of sorting every idea.
            models.Index(fields=["moderation", "-support_count", "-submitted_at", "-id"], name="idea_supported_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.search_stems = " ".join(sorted(stems_of(f"{self.title} {self.description}")))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("ideas:detail", args=[self.pk])

    @property
    def author_display(self) -> str:
        if self.author_id:
            return str(self.author)
        return self.author_name or str(_("anonymous"))

    @property
    def is_public(self) -> bool:
        return self.moderation == Moderation.PUBLISHED

    @property
    def benefits(self) -> list[str]:
        labels = [
            (self.benefits_citizens, _("citizens")),
            (self.benefits_staff, _("staff")),
            (self.benefits_businesses, _("businesses")),
        ]
        return [str(label) for flag, label in labels if flag]


class StatusChange(models.Model):
    """A public, reasoned answer: every status change of an idea with who decided and why."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Idea.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Idea.Status.choices)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.idea}: {self.from_status} → {self.to_status}"


class Support(models.Model):
    """One person backs one idea, once."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="one_support_per_person")]

    def __str__(self) -> str:
        return f"{self.user} → {self.idea}"


class Follow(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_ideas")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="one_follow_per_person")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.idea}"


class CommentQuerySet(models.QuerySet["Comment"]):
    def public(self) -> "CommentQuerySet":
        return self.filter(moderation=Moderation.PUBLISHED)


class Comment(models.Model):
    """Comments are one level deep: a reply points to a top-level comment."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="comments")
    text = models.TextField(_("comment"), max_length=COMMENT_MAX)
    moderation = models.CharField(max_length=20, choices=Moderation, default=Moderation.PENDING, db_index=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return self.idea.get_absolute_url() + f"#comment-{self.pk}"


class Report(models.Model):
    """Anyone may report an idea or a comment; a moderator resolves the report."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    reason = models.TextField(_("what is wrong with it?"), max_length=1000)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(idea__isnull=False, comment__isnull=True) | Q(idea__isnull=True, comment__isnull=False),
                name="report_names_one_thing",
            )
        ]

    def __str__(self) -> str:
        return self.reason[:60]

    @property
    def target(self) -> "Idea | Comment | None":
        return self.idea or self.comment  # one of them once saved (report_names_one_thing)
