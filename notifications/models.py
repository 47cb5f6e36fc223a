"""Follows of projects, lessons and surveys, the notifications people get and how often they want them by mail.

Ideas keep their own follows (`ideas.Follow`, written when someone submits or comments an idea, or
with the follow button); the exchange keeps its follows of municipalities and topics
(`exchange.Follow`). See docs/notifications.md.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("immediately")
    DAILY = "daily", _("once a day")
    WEEKLY = "weekly", _("once a week")
    NEVER = "never", _("never")


def default_frequency(role: str) -> str:
    """Without a choice of their own: the administration reads its mail daily, citizens get a weekly digest."""
    return Frequency.WEEKLY if role == Role.CITIZEN else Frequency.DAILY


class Follow(models.Model):
    """A person follows one project, lesson or survey (exactly one of the three)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="content_follows")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, null=True, related_name="follows")
    lesson = models.ForeignKey("lessons.Lesson", on_delete=models.CASCADE, null=True, related_name="follows")
    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, null=True, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False, lesson__isnull=True, survey__isnull=True)
                | Q(project__isnull=True, lesson__isnull=False, survey__isnull=True)
                | Q(project__isnull=True, lesson__isnull=True, survey__isnull=False),
                name="follow_names_one_thing",
            ),
            models.UniqueConstraint(fields=["user", "project"], name="one_project_follow_per_person"),
            models.UniqueConstraint(fields=["user", "lesson"], name="one_lesson_follow_per_person"),
            models.UniqueConstraint(fields=["user", "survey"], name="one_survey_follow_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.project or self.lesson or self.survey}"


class Notification(models.Model):
    """Something happened to what a person follows (or to their own idea): one row per recipient.

    The text is put together when it is shown, in the reader's language, from the kind, the
    object's name at the time (`title`) and one more value (`detail`: a status, a stage goal, a
    municipality). `sent_at` is set once a mail said it (or none is to say it).
    """

    class Kind(models.TextChoices):
        IDEA_STATUS = "idea_status", _("status of an idea")
        IDEA_COMMENT = "idea_comment", _("comment on an idea")
        PROJECT_STATUS = "project_status", _("status of a project")
        PROJECT_LOG = "project_log", _("progress log entry")
        MILESTONE_DONE = "milestone_done", _("stage goal reached")
        LESSON_PUBLISHED = "lesson_published", _("lesson published")
        SURVEY_OPENED = "survey_opened", _("survey opened")
        SURVEY_CLOSED = "survey_closed", _("survey closed")
        EXCHANGE_ITEM = "exchange_item", _("news from another municipality")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    detail = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=500)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"]),
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["sent_at", "recipient"]),
        ]

    def __str__(self) -> str:
        return str(self.text)

    def get_absolute_url(self) -> str:
        return self.path

    @property
    def text(self) -> str:
        from notifications.texts import notification_text

        return notification_text(self)


class Subscription(models.Model):
    """How often a person wants their notifications by mail; without a row, `default_frequency`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_subscription"
    )
    frequency = models.CharField(_("e-mail"), max_length=20, choices=Frequency)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user}: {self.frequency}"


class SurveyPhaseNotice(models.Model):
    """That the followers of a survey were told it opened or closed, so they are told once."""

    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Notification.Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "kind"], name="one_notice_per_survey_phase")]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.kind}"
