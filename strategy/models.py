"""The municipality's own digital strategy: vision, local glossary, fields of action and goals."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class StrategyQuerySet(models.QuerySet["Strategy"]):
    def current(self) -> "Strategy | None":
        return self.order_by("pk").first()


class Strategy(models.Model):
    """One installation has one strategy; its vision is agreed between politics and administration."""

    title = models.CharField(_("title"), max_length=200, default=_("Digital strategy"))
    vision = models.TextField(_("vision"), help_text=_("The agreed picture of the future, in your own words."))
    summary = models.TextField(_("summary"), blank=True, help_text=_("Two or three sentences for the start page."))
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_by = models.CharField(
        _("adopted by"), max_length=200, blank=True, help_text=_("The body that adopted it, e.g. “Rat der Stadt”.")
    )
    decision_url = models.URLField(_("link to the council decision"), blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = StrategyQuerySet.as_manager()

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:detail")


class GlossaryEntry(models.Model):
    """What a term such as “Digitalisierung” means here (Begriffsverständnis)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="glossary_entries")
    term = models.CharField(_("term"), max_length=120)
    definition = models.TextField(_("what it means for us"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("glossary entry")
        verbose_name_plural = _("glossary entries")
        ordering = ["position", "term"]
        constraints = [models.UniqueConstraint(fields=["strategy", "term"], name="unique_glossary_term")]

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return reverse("strategy:detail") + f"#term-{self.pk}"


class FieldOfAction(models.Model):
    """A thematic area of the strategy (Handlungsfeld)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="fields_of_action")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("field of action")
        verbose_name_plural = _("fields of action")
        ordering = ["position", "title"]
        constraints = [models.UniqueConstraint(fields=["strategy", "title"], name="unique_field_title")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:field_detail", args=[self.pk])


class Goal(models.Model):
    """What a field of action wants to reach, optionally measured by an indicator with a target."""

    field = models.ForeignKey(
        FieldOfAction, on_delete=models.CASCADE, related_name="goals", verbose_name=_("field of action")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    indicator = models.CharField(
        _("indicator"), max_length=200, blank=True, help_text=_("How you will know, e.g. “share of services online”.")
    )
    baseline_value = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_value = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("e.g. %, services, people"))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:field_detail", args=[self.field_id]) + f"#goal-{self.pk}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.target_value is not None and not self.indicator:
            raise ValidationError({"indicator": _("Name the indicator that the target refers to.")})
