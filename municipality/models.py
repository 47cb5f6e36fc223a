"""The one municipality an installation serves."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from municipality import register


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def current(self) -> "Municipality | None":
        return self.order_by("pk").first()


class Municipality(models.Model):
    """Facts come from the official register; a demo may use a fictional town instead."""

    ars = models.CharField(_("ARS"), max_length=12, blank=True, help_text=_("12-digit Amtlicher Regionalschlüssel"))
    ags = models.CharField(_("AGS"), max_length=8, blank=True, help_text=_("8-digit Amtlicher Gemeindeschlüssel"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=200, blank=True)
    state = models.CharField(pgettext_lazy("federal state", "state"), max_length=100, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    area_km2 = models.DecimalField(_("area in km²"), max_digits=9, decimal_places=2, null=True, blank=True)
    register_as_of = models.DateField(_("register as of"), null=True, blank=True)
    is_fictional = models.BooleanField(
        _("fictional"),
        default=False,
        help_text=_("A demo town that does not exist; shown with a notice on every page."),
    )
    website = models.URLField(_("website"), blank=True)
    # What the accessibility statement (Erklärung zur Barrierefreiheit) names: BITV 2.0 asks for a
    # contact for reported barriers, the dates of the statement and, where the state has one, its
    # enforcement body. Empty dates fall back to the platform's own self-assessment.
    contact_email = models.EmailField(
        _("contact e-mail for feedback"),
        blank=True,
        help_text=_("Where people report barriers and ask for content in an accessible form."),
    )
    statement_prepared_on = models.DateField(_("accessibility statement prepared on"), null=True, blank=True)
    statement_reviewed_on = models.DateField(_("accessibility statement last reviewed on"), null=True, blank=True)
    enforcement_body = models.TextField(
        _("enforcement body of the federal state"),
        blank=True,
        max_length=1000,
        help_text=_("Name, address and contact of the state's conciliation or enforcement body, if there is one."),
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    def apply_register_entry(self, entry: register.RegisterEntry) -> None:
        self.ars, self.ags, self.name, self.kind = entry.ars, entry.ags, entry.name, entry.kind
        self.district, self.state, self.population = entry.district, entry.state, entry.population
        self.area_km2 = entry.area_km2
        self.register_as_of = entry.as_of
        self.is_fictional = False


class LegalPageQuerySet(models.QuerySet["LegalPage"]):
    def for_kind(self, kind: str) -> "LegalPage":
        """The saved page of this kind, or a new one holding the default template (not saved)."""
        from municipality.legal_defaults import default_text

        return self.filter(kind=kind).first() or LegalPage(kind=kind, text=default_text(kind))


class LegalPage(models.Model):
    """The Impressum (§ 5 DDG) and the privacy notice (Art. 13/14 DSGVO), written by the administrator.

    Until one is saved its page shows a German default template with placeholders in [[…]].
    """

    class Kind(models.TextChoices):
        IMPRINT = "impressum", _("Legal notice (Impressum)")
        PRIVACY = "datenschutz", _("Privacy notice")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, unique=True)
    text = models.TextField(_("text"), max_length=50000)
    changed_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = LegalPageQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")

    def __str__(self) -> str:
        return self.get_kind_display()
