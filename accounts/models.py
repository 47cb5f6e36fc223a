"""Users, their roles and the organisational units they belong to."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.querysets import ListQuerySet


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    STRATEGY_TEAM = "strategy_team", _("Strategy team")
    STAFF = "staff", _("Department staff")
    COUNCIL = "council", _("Leadership and council")
    CITIZEN = "citizen", _("Citizen")


# Roles that belong to the administration and may read internal content.
INTERNAL_ROLES = {Role.ADMINISTRATOR, Role.STRATEGY_TEAM, Role.STAFF, Role.COUNCIL}


# The roles in the order of the people list's "role" sort: most rights first.
ROLE_ORDER = Case(*(When(role=role, then=Value(i)) for i, role in enumerate(Role)), default=Value(len(Role)))


class UserQuerySet(ListQuerySet["User"]):
    """The people list of the staff administration (`/accounts/people/`)."""

    SORTS = {
        "name": ("full_name", "email", "pk"),
        "email": ("email", "pk"),
        "role": (ROLE_ORDER, "full_name", "pk"),
        "last_login": (models.F("last_login").desc(nulls_last=True), "full_name", "pk"),
        "newest": ("-date_joined", "-pk"),
    }
    DEFAULT_SORT = "name"

    def people(self) -> "UserQuerySet":
        """Every account but the deleted ones (which stay only as pseudonyms)."""
        return self.filter(erased_at__isnull=True)

    def can_log_in(self) -> "UserQuerySet":
        """Active accounts with a password set (an invitation not accepted yet has none)."""
        return self.filter(is_active=True).exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)

    def invitation_pending(self) -> "UserQuerySet":
        return self.filter(invited_at__isnull=False, password__startswith=UNUSABLE_PASSWORD_PREFIX)

    def with_second_factors(self) -> "UserQuerySet":
        """Each person with `has_totp` and `has_passkey` (twofactor), for `second_factor_status`
        without a query per person."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from twofactor.models import Passkey  # twofactor stands on accounts, so only here

        return self.annotate(
            has_totp=models.Exists(TOTPDevice.objects.filter(user=models.OuterRef("pk"), confirmed=True)),
            has_passkey=models.Exists(Passkey.objects.filter(user=models.OuterRef("pk"))),
        )

    def filter_by(self, *, q: str = "", role: str = "", unit=None, state: str = "") -> "UserQuerySet":
        """The people list's filters; an empty value filters nothing. `state` is "active",
        "deactivated" or "invited" (invited and not accepted yet)."""
        people = self.containing(q, "full_name", "email").filter_given(role=role, memberships__unit=unit)
        if state == "active":
            people = people.filter(is_active=True)
        elif state == "deactivated":
            people = people.filter(is_active=False)
        elif state == "invited":
            people = people.invitation_pending()
        return people


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("role", Role.ADMINISTRATOR)
        return self.create_user(email, password, **extra)


# Academic titles and degrees before a name, compared in lower case without dots and hyphens:
# "Dr.", "Prof.", "Dr. med.", "Dipl.-Ing.", "Mag.", "Dr. rer. nat." and the like.
ACADEMIC_TITLES = frozenset(
    [
        "dr",
        "prof",
        "profdr",
        "med",
        "rer",
        "nat",
        "phil",
        "jur",
        "dent",
        "vet",
        "habil",
        "hc",
        "ing",
        "dipl",
        "diplng",
        "dipling",
        "diplkfm",
        "diplkffr",
        "mag",
        "magister",
        "ba",
        "ma",
        "msc",
        "bsc",
        "mba",
        "llm",
    ]
)


def _is_title(word: str) -> bool:
    return word.lower().replace(".", "").replace("-", "") in ACADEMIC_TITLES and (
        "." in word or word.lower() in {"dr", "prof"}
    )


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with e-mail and password and has exactly one role."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.CITIZEN)
    units: models.ManyToManyField["OrgUnit", "Membership"] = models.ManyToManyField(
        "OrgUnit",
        through="Membership",
        related_name="members",
        blank=True,
        verbose_name=_("organisational units"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Django admin access follows the role; see save().
    is_staff = models.BooleanField(_("admin access"), default=False, editable=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Set when the person deleted their account: the row stays, scrubbed, as a pseudonym for the
    # audit trail and for official decisions they took (see accounts/privacy.py).
    erased_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    # Set when an administrator invites the person (and again when the invitation is sent anew);
    # the invitation waits while the account has no usable password (accounts/services.py).
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        if self.erased_at:
            return gettext("Deleted account #%(number)s") % {"number": self.pk}
        return self.full_name or self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.lower()
        # Only administrators reach the Django admin, and they may do everything there.
        self.is_staff = self.role == Role.ADMINISTRATOR
        self.is_superuser = self.role == Role.ADMINISTRATOR
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        """The first name for a greeting ("Hallo Michael"), past academic titles ("Dr. Michael
        Wagner"); a name that is nothing but titles and one word stays whole ("Dr. Wagner")."""
        words = self.full_name.split()
        if not words:
            return self.email
        rest = list(words)
        while rest and _is_title(rest[0]):
            rest.pop(0)
        if len(rest) < 2 and len(rest) < len(words):  # "Dr. Wagner": greet with the whole name
            return " ".join(words)
        return rest[0] if rest else " ".join(words)

    @property
    def is_internal(self) -> bool:
        """Members of the administration, leadership and council read internal content."""
        return self.is_active and self.role in INTERNAL_ROLES

    @property
    def is_strategy_team(self) -> bool:
        return self.is_active and self.role in {Role.STRATEGY_TEAM, Role.ADMINISTRATOR}

    @property
    def is_administrator(self) -> bool:
        return self.is_active and self.role == Role.ADMINISTRATOR

    @property
    def invitation_pending(self) -> bool:
        """Invited by an administrator and no password set yet."""
        return self.invited_at is not None and not self.has_usable_password()

    def lead_units(self) -> models.QuerySet["OrgUnit"]:
        return self.units.filter(memberships__user=self, memberships__is_lead=True)


def second_factor_status(user: User) -> str:
    """Which second factors the person signs in with, in words ("Authenticator-App", "Passkey",
    "Authenticator-App, Passkey" or "not set up"): the one place that answers, for the people list
    and the person's page (the names are twofactor's `FACTOR_NAMES`).

    Rows from `UserQuerySet.with_second_factors()` carry the answer; any other user costs a query."""
    from twofactor.models import FACTOR_NAMES, PASSKEY, TOTP  # twofactor stands on accounts, so only here

    if not hasattr(user, "has_totp"):
        user = User.objects.with_second_factors().get(pk=user.pk)
    fields = (("has_totp", TOTP), ("has_passkey", PASSKEY))
    names = [str(FACTOR_NAMES[factor]) for field, factor in fields if getattr(user, field)]
    return ", ".join(names) or gettext("not set up")


# Whoever asks (`request.user`): a person with an account or a visitor without one. Permission
# helpers take it and answer "no" (or 404) for a visitor where the page needs an account.
type AnyUser = User | AnonymousUser


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def roots(self) -> "OrgUnitQuerySet":
        return self.filter(parent__isnull=True)


class OrgUnit(models.Model):
    """An organisational unit (Organisationseinheit); units form a tree."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    is_strategy_team = models.BooleanField(
        _("owns the strategy"),
        default=False,
        help_text=_("The unit that owns the digital strategy (e.g. Stab Strategie, Innovation und Digitalisierung)."),
    )

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.short_name} – {self.name}" if self.short_name else self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        node = self.parent
        while node is not None:
            if node.pk == self.pk:
                raise ValidationError({"parent": _("A unit cannot be placed below itself.")})
            node = node.parent


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisational unit")
    )
    is_lead = models.BooleanField(_("leads the unit"), default=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)

    def revoke(self) -> int:
        """Revoke every token of this queryset that is not revoked yet."""
        return self.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())

    def find(self, raw: str) -> "ApiToken | None":
        return self.active().select_related("user").filter(key_hash=_hash_token(raw)).first()


class ApiToken(models.Model):
    """A personal API token; only its hash is stored, the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # Chosen at creation, at most ETAPPE_API_TOKEN_MAX_DAYS ahead; an expired token is refused.
    expires_at = models.DateTimeField(_("expires"))

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @classmethod
    def issue(cls, *, user: User, name: str, expires_at: datetime | None = None) -> tuple["ApiToken", str]:
        """Create a token and return it with the raw key, which is never stored.

        It expires at `expires_at`, by default after ETAPPE_API_TOKEN_DEFAULT_DAYS; a date later
        than ETAPPE_API_TOKEN_MAX_DAYS from now raises ValueError (the form refuses it first).
        """
        now = timezone.now()
        if expires_at is None:
            expires_at = now + timedelta(days=settings.ETAPPE_API_TOKEN_DEFAULT_DAYS)
        # One day of slack: a token chosen "until the last allowed day" works through that day.
        if expires_at > now + timedelta(days=settings.ETAPPE_API_TOKEN_MAX_DAYS + 1):
            raise ValueError("An API token may be valid for at most ETAPPE_API_TOKEN_MAX_DAYS days.")
        raw = settings.ETAPPE_API_TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, key_hash=_hash_token(raw), prefix=raw[:12], expires_at=expires_at
        )
        return token, raw
