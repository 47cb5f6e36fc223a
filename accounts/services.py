"""Account workflows with side effects: registration, its confirmation, deleting an account."""

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from accounts.privacy import mask_logged_fields, run_erasers

CONFIRM_SALT = "etappe.accounts.confirm"
CONFIRM_MAX_AGE = 3 * 24 * 3600


def user_register(*, user: User, request: HttpRequest) -> User:
    """Save a new, inactive citizen account and send the confirmation link."""
    with transaction.atomic():
        user.save()
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRM_SALT)
    link = request.build_absolute_uri(reverse("accounts:confirm", args=[token]))
    body = render_to_string("accounts/email/confirm.txt", {"user": user, "link": link})
    send_mail(_("Please confirm your Etappe account"), body, None, [user.email])
    return user


def user_confirm(*, token: str) -> User | None:
    """Activate the account a confirmation token names; None if it is invalid or expired."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data.get("user"), email=data.get("email")).first()
        if user is None:
            return None
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
    return user


# RFC 2606 reserves .invalid: the placeholder can never reach a real mailbox.
ERASED_EMAIL = "deleted-{pk}@deleted.invalid"


def user_erase(*, user: User) -> User:
    """Delete a person's account at their own request, all or nothing.

    Their contributions stay without an author (each app's eraser, accounts/privacy.py); the
    account row stays as an empty, locked pseudonym ("Deleted account #42") so that the audit
    trail and the official decisions they took keep an actor. Every personal value goes: name,
    e-mail address, password, memberships, API tokens, login records, and their copies in the
    audit trail. One new audit entry records the deletion itself.
    """
    with transaction.atomic(), disable_auditlog():
        user = User.objects.select_for_update().get(pk=user.pk)
        email = user.email
        run_erasers(user)
        membership_pks = _membership_pks(user)
        user.memberships.all().delete()
        user.api_tokens.all().delete()
        user.groups.clear()
        user.user_permissions.clear()
        user.email = ERASED_EMAIL.format(pk=user.pk)
        user.full_name = ""
        user.set_unusable_password()
        user.is_active = False
        user.last_login = None
        user.erased_at = timezone.now()
        user.save()
        _scrub_audit_trail(user, membership_pks)
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__iexact=email).delete()
    return user


def _membership_pks(user: User) -> set[str]:
    """Every membership the person ever had, the ended ones included (found in the audit trail)."""
    pks = {str(pk) for pk in user.memberships.values_list("pk", flat=True)}
    created = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Membership), action=LogEntry.Action.CREATE
    )
    for entry in created.only("object_pk", "changes"):
        values = (entry.changes or {}).get("user") if isinstance(entry.changes, dict) else None
        if values and str(values[-1]) == str(user.pk):
            pks.add(entry.object_pk)
    return pks


def _scrub_audit_trail(user: User, membership_pks: set[str]) -> None:
    """Keep who-did-what-when with the pseudonym; drop names, addresses and IP addresses."""
    with translation.override(settings.LANGUAGE_CODE):
        pseudonym = str(user)
    user_type = ContentType.objects.get_for_model(User)
    mask_logged_fields(User, [user.pk], ["email", "full_name"])
    LogEntry.objects.filter(content_type=user_type, object_pk=str(user.pk)).update(object_repr=pseudonym)
    memberships = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Membership), object_pk__in=membership_pks
    )
    for entry in memberships.only("pk", "object_repr"):
        unit = entry.object_repr.split(" @ ", 1)[-1]
        LogEntry.objects.filter(pk=entry.pk).update(object_repr=f"{pseudonym} @ {unit}")
    LogEntry.objects.create(
        content_type=user_type,
        object_pk=str(user.pk),
        object_id=user.pk,
        object_repr=pseudonym,
        action=LogEntry.Action.UPDATE,
        changes={"is_active": ["True", "False"], "erased_at": ["None", user.erased_at.isoformat()]},
        actor=user,
    )
    LogEntry.objects.filter(actor=user).update(actor_email=None, remote_addr=None, remote_port=None)
