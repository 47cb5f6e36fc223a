"""The service inventory: the OZG and LeiKa catalogues and what the municipality records about each service.

The catalogue (OzgService, Service) is reference data read from the shipped CSV files by
`manage.py import_service_catalogue`; it is never edited in the application. What the
municipality knows about a service — whether it provides it, who is responsible, how far it is
online — lives in LocalService, with every level change dated in LevelChange.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.querysets import ListQuerySet
from service_inventory.applicability import Scope, scopes_for, state_code

ONLINE_LEVEL = 3  # from level 3 on a service counts as OZG-compliant ("online service")


def _short_date(value: object) -> str:
    """A date in the reader's format in names that land in the audit trail (also before it is cleaned)."""
    return formats.date_format(value, "SHORT_DATE_FORMAT") if isinstance(value, datetime.date) else str(value)


class Level(models.IntegerChoices):
    """OZG maturity levels, Reifegradmodell 1.1."""

    OFFLINE = 0, _("0 – offline")
    INFORMATION = 1, _("1 – information online")
    FORM = 2, _("2 – form online")
    ONLINE_SERVICE = 3, _("3 – online service (OZG-compliant)")
    TRANSACTION = 4, _("4 – online transaction (once-only)")


class OzgServiceManager(models.Manager["OzgService"]):
    def get_by_natural_key(self, ozg_id: int) -> "OzgService":
        return self.get(ozg_id=ozg_id)


class OzgService(models.Model):
    """An OZG service (OZG-Leistung) of the OZG-Umsetzungskatalog: a bundle of LeiKa services."""

    ozg_id = models.PositiveIntegerField(_("OZG id"), unique=True)
    name = models.CharField(_("name"), max_length=300)
    lebenslage = models.CharField(_("life situation"), max_length=200, blank=True, db_index=True)
    themenfeld = models.CharField(_("topic"), max_length=100, db_index=True)

    objects = OzgServiceManager()

    class Meta:
        verbose_name = _("OZG service")
        verbose_name_plural = _("OZG services")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (OZG {self.ozg_id})"

    def natural_key(self) -> tuple[int]:
        return (self.ozg_id,)


class ServiceQuerySet(ListQuerySet["Service"]):
    def applicable(self, municipality) -> "ServiceQuerySet":
        """The services of the municipality's state and level (services.applicability), and every one it provides."""
        kind = municipality.kind if municipality else ""
        state = municipality.state if municipality else ""
        rule = models.Q(scope__in=scopes_for(kind=kind, state=state))
        code = state_code(state)
        rule &= (models.Q(states="") | models.Q(states__contains=code)) if code else models.Q(states="")
        return self.filter(rule | models.Q(local__provided=True))

    def provided(self) -> "ServiceQuerySet":
        return self.filter(local__provided=True)

    def not_provided(self) -> "ServiceQuerySet":
        return self.exclude(local__provided=True)

    def online(self) -> "ServiceQuerySet":
        """Provided services a citizen can find online: level 1 or higher, with a link."""
        return self.provided().filter(local__level__gte=Level.INFORMATION).exclude(local__online_url="")

    def filter_by(
        self,
        *,
        scope: str = "",
        themenfeld: str = "",
        lebenslage: str = "",
        provided: bool | None = None,
        level: int | None = None,
        unit=None,
        ozg_id: int | None = None,
    ) -> "ServiceQuerySet":
        """The inventory's filters (page, export and API); an empty value (None for a yes/no or a level)
        filters nothing. `level` finds provided services at that level; `unit` is a unit or its id."""
        services = self.filter_given(
            scope=scope, ozg__themenfeld=themenfeld, ozg__lebenslage=lebenslage, local__unit=unit, ozg__ozg_id=ozg_id
        )
        if provided is True:
            services = services.provided()
        elif provided is False:
            services = services.not_provided()
        if level is not None:
            services = services.filter(local__provided=True, local__level=level)
        return services


class ServiceManager(models.Manager.from_queryset(ServiceQuerySet)):  # type: ignore[misc]
    def get_by_natural_key(self, key: str) -> "Service":
        return self.get(key=key)


class Service(models.Model):
    """A LeiKa service (Verwaltungsleistung) of the Leistungskatalog, as the catalogue file lists it."""

    # The LeiKa key, or for services the LeiKa does not list a key made from OZG id and name
    # (see services.catalogue.catalogue_key): what a repeated import recognises a row by.
    key = models.CharField(_("catalogue key"), max_length=40, unique=True)
    leika_key = models.CharField(_("LeiKa key"), max_length=14, blank=True, help_text=_("Empty: not in the LeiKa."))
    name = models.CharField(_("name"), max_length=400)
    leistungstyp = models.CharField(_("service type"), max_length=20, blank=True)
    ozg = models.ForeignKey(
        OzgService,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("OZG service"),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    # Derived from the fields above at import (services.applicability, services.search).
    scope = models.CharField(
        _("carried out by"), max_length=20, choices=Scope.choices, default=Scope.UNKNOWN, db_index=True
    )
    states = models.CharField(
        _("federal states"), max_length=60, blank=True, help_text=_("Empty: the service exists in every state.")
    )
    search_text = models.TextField(_("search words"), blank=True, editable=False)

    objects = ServiceManager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("services:detail", args=[self.pk])

    def natural_key(self) -> tuple[str]:
        return (self.key,)


class LocalService(models.Model):
    """What the municipality records about one catalogue service."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="local")
    provided = models.BooleanField(_("we provide this service"), default=False, db_index=True)
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="local_services",
        verbose_name=_("responsible unit"),
    )
    level = models.PositiveSmallIntegerField(
        _("current maturity level"),
        choices=Level,
        default=Level.OFFLINE,
        validators=[MaxValueValidator(4)],
        db_index=True,
    )
    online_url = models.URLField(
        _("online link"),
        max_length=500,
        blank=True,
        help_text=_("Where citizens find the service online (information, form or online service)."),
    )
    cases_per_year = models.PositiveIntegerField(_("cases per year"), null=True, blank=True)
    target_level = models.PositiveSmallIntegerField(
        _("target level"), choices=Level, null=True, blank=True, validators=[MaxValueValidator(4)]
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    pain_points = models.TextField(
        _("pain points"),
        blank=True,
        max_length=5000,
        help_text=_("What makes the service slow or hard today – for citizens and for staff."),
    )
    ideas = models.ManyToManyField(
        "ideas.Idea", blank=True, related_name="local_services", verbose_name=_("ideas in the backlog")
    )
    projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="local_services", verbose_name=_("projects in the backlog")
    )
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        verbose_name = _("service of the municipality")
        verbose_name_plural = _("services of the municipality")
        ordering = ["service__name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__lte=4), name="local_service_level_0_4"),
            models.CheckConstraint(
                condition=models.Q(target_level__isnull=True) | models.Q(target_level__lte=4),
                name="local_service_target_level_0_4",
            ),
        ]

    def __str__(self) -> str:
        return str(self.service)

    def get_absolute_url(self) -> str:
        return reverse("services:detail", args=[self.service_id])

    def clean(self) -> None:
        errors = {}
        if self.level is not None and not 0 <= self.level <= 4:
            errors["level"] = _("The level must be between 0 and 4.")
        if self.target_level is not None:
            if not 0 <= self.target_level <= 4:
                errors["target_level"] = _("The level must be between 0 and 4.")
            elif self.level is not None and self.target_level < self.level:
                errors["target_level"] = _("The target level cannot be below the current level.")
        if self.cases_per_year is not None and self.cases_per_year < 0:
            errors["cases_per_year"] = _("Case numbers cannot be negative.")
        if self.online_url:
            try:
                URLValidator(schemes=["http", "https"])(self.online_url)
            except ValidationError:
                errors["online_url"] = _("Enter a web address starting with https:// or http://.")
        elif self.provided and self.level and self.level >= Level.INFORMATION:
            errors["online_url"] = _("A service that is online (level 1 or higher) needs its link.")
        if self.target_date and self.target_level is None:
            errors["target_level"] = _("A target date needs a target level.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_online(self) -> bool:
        return self.provided and self.level >= ONLINE_LEVEL

    @property
    def target_overdue(self) -> bool:
        return bool(
            self.target_date
            and self.target_level is not None
            and self.level < self.target_level
            and self.target_date < timezone.localdate()
        )


class LevelChange(models.Model):
    """One dated change of a service's maturity level: the history behind "progress over time"."""

    local = models.ForeignKey(LocalService, on_delete=models.CASCADE, related_name="level_changes")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level, validators=[MaxValueValidator(4)])
    changed_on = models.DateField(_("since"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("level change")
        verbose_name_plural = _("level changes")
        ordering = ["changed_on", "pk"]
        indexes = [models.Index(fields=["local", "changed_on"])]
        constraints = [models.CheckConstraint(condition=models.Q(level__lte=4), name="level_change_level_0_4")]

    def __str__(self) -> str:
        return f"{self.local}: {self.get_level_display()} ({_short_date(self.changed_on)})"

    def get_absolute_url(self) -> str:
        return reverse("services:detail", args=[self.local.service_id]) + "#history"
