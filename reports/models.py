"""Council reports (Sachstandsberichte): requested for a period, built in the background, downloaded when ready."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def lease() -> timedelta:
    return timedelta(seconds=settings.ETAPPE_TASK_LEASE_SECONDS)


class CouncilReport(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("being built")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    include_internal = models.BooleanField(
        _("include internal projects"),
        default=True,
        help_text=_("Reports for the council usually cover all projects; switch off for a public version."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="de")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/", blank=True)
    xlsx = models.FileField(_("Excel workbook"), upload_to="reports/", blank=True)
    csv = models.FileField(_("CSV"), upload_to="reports/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(_("build time in seconds"), null=True, blank=True)
    # The lease of the worker building it: stamped with every progress step and, in between, by a
    # heartbeat thread of the task (reports/tasks.py). A running report whose stamp is older than
    # ETAPPE_TASK_LEASE_SECONDS lost its worker (killed, out of memory, machine restarted) and is
    # marked failed by `fail_stale_reports`.
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    task_id = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("council report")
        verbose_name_plural = _("council reports")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if self.state == self.State.RUNNING and (update_fields is None or {"progress", "state"} & set(update_fields)):
            self.heartbeat_at = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "heartbeat_at"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])

    def clean(self) -> None:
        if self.period_start and self.period_end:
            if self.period_end < self.period_start:
                raise ValidationError({"period_end": _("The end of the period lies before its start.")})
            if (self.period_end - self.period_start).days > 366 * 10:
                raise ValidationError({"period_end": _("A report covers at most ten years.")})

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def is_stale(self) -> bool:
        """Running, but the worker has not been heard of for longer than its lease."""
        return self.state == self.State.RUNNING and (
            self.heartbeat_at is None or self.heartbeat_at < timezone.now() - lease()
        )

    def delete(self, *args, **kwargs):
        files = [f for f in (self.pdf, self.xlsx, self.csv) if f]
        result = super().delete(*args, **kwargs)
        for file in files:
            file.delete(save=False)
        return result
