"""Account workflows with side effects: registration, its confirmation, deleting an account, and the
staff administration (invitations, roles and units, deactivation)."""

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from accounts.models import Membership, OrgUnit, Role, User
from accounts.privacy import mask_logged_fields, run_erasers
from core.links import absolute_url
from core.mail import send_after_commit

# The link of a registration names only the address; salted apart from links of the earlier
# registration flow, which therefore no longer work.
REGISTRATION_SALT = "etappe.accounts.registration"
REGISTRATION_MAX_AGE = 3 * 24 * 3600


def _pending(email: str) -> models.QuerySet[User]:
    """A registration of the earlier flow, never confirmed: an inactive citizen account that never
    logged in. It does not block the address; whoever confirms the address takes it over."""
    return User.objects.filter(
        email=email, is_active=False, last_login__isnull=True, erased_at__isnull=True, role=Role.CITIZEN
    )


def registration_request(*, email: str) -> None:
    """Send the mail a registration asks for; the page answers the same in every case.

    A new address gets a link to choose name and password; nothing is stored before it is
    followed, so an unconfirmed registration blocks nothing and simply expires with its link. An
    address that has an account gets a mail saying so, with links to log in and to reset the
    password.
    """
    email = email.lower()
    context = {
        "login": absolute_url("accounts:login"),
        "reset": absolute_url("accounts:password_reset"),
    }
    if User.objects.filter(email=email).exists() and not _pending(email).exists():
        subject = _("You already have an Etappe account")
        body = render_to_string("accounts/email/registration_exists.txt", context)
    else:
        token = signing.dumps({"email": email}, salt=REGISTRATION_SALT)
        context["link"] = absolute_url("accounts:confirm", token)
        subject = _("Please confirm your Etappe account")
        body = render_to_string("accounts/email/confirm.txt", context)
    send_mail(subject, body, None, [email])


def registration_email(*, token: str) -> str | None:
    """The address a registration link was sent to; None if the link is invalid, expired or used."""
    try:
        data = signing.loads(token, salt=REGISTRATION_SALT, max_age=REGISTRATION_MAX_AGE)
    except signing.BadSignature:
        return None
    email = data.get("email") if isinstance(data, dict) else None
    if not isinstance(email, str) or (User.objects.filter(email=email).exists() and not _pending(email).exists()):
        return None
    return email


def user_register(*, email: str, full_name: str, password: str) -> User | None:
    """Create the active citizen account of a confirmed address; None if it exists by now.

    Two tabs submitting the same link at once: one account, and the other gets None.
    """
    try:
        with transaction.atomic():
            user = _pending(email).select_for_update().first() or User(email=email, role=Role.CITIZEN)
            user.full_name = full_name
            user.is_active = True
            user.set_password(password)
            user.save()
    except IntegrityError:
        return None
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
    assert user.erased_at is not None  # set by user_erase before the trail is scrubbed
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


# Staff administration ------------------------------------------------------------------------

# An invitation link names the account and a fingerprint of its state (password, invitation time,
# active or not): setting the password (the link was used), a new invitation and a deactivation
# each change the state, so the old link stops working; after INVITATION_MAX_AGE it expires.
INVITATION_SALT = "etappe.accounts.invitation"
INVITATION_MAX_AGE = 7 * 24 * 3600
INVITATION_DAYS = INVITATION_MAX_AGE // (24 * 3600)


class PeopleError(Exception):
    """A change to a person's account that the rules refuse; the message says why."""


def _invitation_state(user: User) -> str:
    state = f"{user.pk}|{user.password}|{user.invited_at and user.invited_at.isoformat()}|{user.is_active}"
    return salted_hmac(INVITATION_SALT, state).hexdigest()


def invitation_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "state": _invitation_state(user)}, salt=INVITATION_SALT)


def invitation_user(*, token: str) -> User | None:
    """The person an invitation link was sent to; None if the link is invalid, expired, used or
    replaced by a newer invitation, or the account was deactivated since."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int) or not isinstance(data.get("state"), str):
        return None
    user = User.objects.people().filter(pk=data["user"], is_active=True).first()
    if user is None or not user.invitation_pending or not constant_time_compare(data["state"], _invitation_state(user)):
        return None
    return user


def invitation_accept(*, token: str, password: str) -> User | None:
    """Set the invitee's own password; None if the link stopped working meanwhile (another tab)."""
    with transaction.atomic():
        user = invitation_user(token=token)
        if user is None:
            return None
        user = User.objects.select_for_update().get(pk=user.pk)
        if invitation_user(token=token) is None:
            return None
        user.set_password(password)
        user.save()
    return user


def _send_invitation(user: User, *, by: User) -> None:
    """The invitation mail, in the installation's language, sent once the change is committed."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "by": by.full_name or by.email,
            "role": user.get_role_display(),
            "link": absolute_url("accounts:invitation", invitation_token(user)),
            "days": INVITATION_DAYS,
        }
        subject = _("You are invited to Etappe")
        body = render_to_string("accounts/email/invitation.txt", context)
    send_after_commit(subject, body, [user.email])


def _set_units(user: User, units: list[OrgUnit] | models.QuerySet[OrgUnit]) -> None:
    """Memberships one by one, so the audit trail records each (a bulk add would not); the ones
    that stay keep whether the person leads the unit."""
    wanted = {unit.pk: unit for unit in units}
    for membership in list(user.memberships.all()):
        if membership.unit_id not in wanted:
            membership.delete()
        else:
            del wanted[membership.unit_id]
    for unit in wanted.values():
        Membership.objects.create(user=user, unit=unit)


def _check_administrators_remain(user: User, *, by: User, role: str, is_active: bool) -> None:
    if user.pk == by.pk and not is_active:
        raise PeopleError(_("You cannot deactivate your own account."))
    if (
        user.role == Role.ADMINISTRATOR
        and user.is_active
        and user.has_usable_password()
        and (role != Role.ADMINISTRATOR or not is_active)
        and not User.objects.people().can_log_in().filter(role=Role.ADMINISTRATOR).exclude(pk=user.pk).exists()
    ):
        raise PeopleError(
            _("%(name)s is the last active administrator. Make someone else an administrator first.") % {"name": user}
        )


def person_invite(*, full_name: str, email: str, role: str, units, by: User) -> User:
    """Create an account without a password and mail the person a link to choose one."""
    with transaction.atomic():
        user = User(email=email.lower(), full_name=full_name, role=role, invited_at=timezone.now())
        user.set_unusable_password()
        user.save()
        _set_units(user, units)
        _send_invitation(user, by=by)
    return user


def invitation_resend(*, user: User, by: User) -> User:
    """Send the invitation again with a new link; the link sent before stops working."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.invitation_pending:
            raise PeopleError(_("%(name)s has already accepted the invitation.") % {"name": user})
        if not user.is_active:
            raise PeopleError(_("%(name)s is deactivated. Reactivate the account first.") % {"name": user})
        user.set_unusable_password()  # a new random marker: the old link's fingerprint no longer fits
        user.invited_at = timezone.now()
        user.save()
        _send_invitation(user, by=by)
    return user


def person_update(*, user: User, full_name: str, role: str, units, by: User) -> User:
    """Change a person's name, role and units; the last administrator keeps the role."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _check_administrators_remain(user, by=by, role=role, is_active=user.is_active)
        user.full_name = full_name
        user.role = role
        user.save()
        _set_units(user, units)
    return user


def person_set_active(*, user: User, active: bool, by: User) -> User:
    """Deactivate (the person cannot log in, their sessions and API tokens end) or reactivate.

    A deactivated person's session is refused on their next request: Django's authentication
    backend loads only active accounts (`ModelBackend.get_user`); `accounts.signals` revokes the
    API tokens. Nobody deactivates themselves, and the last active administrator stays."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not active:
            _check_administrators_remain(user, by=by, role=user.role, is_active=False)
        user.is_active = active
        user.save()
    return user


# Changing one's e-mail address ---------------------------------------------------------------

# The link mailed to the new address names the account, the new address and a fingerprint of the
# account's address and password: once the address changed (the link was used, or another one
# was) or the password changed, it stops working; after EMAIL_CHANGE_MAX_AGE it expires.
EMAIL_CHANGE_SALT = "etappe.accounts.email-change"
EMAIL_CHANGE_MAX_AGE = 3 * 24 * 3600
EMAIL_CHANGE_DAYS = EMAIL_CHANGE_MAX_AGE // (24 * 3600)


class EmailChangeError(Exception):
    """The link of an e-mail change does not work (any more); the message says why."""

    status = 400


class EmailChangeNotYours(EmailChangeError):
    """The link was sent for another account than the one logged in."""

    status = 403


def _email_change_state(user: User) -> str:
    return salted_hmac(EMAIL_CHANGE_SALT, f"{user.pk}|{user.email}|{user.password}", algorithm="sha256").hexdigest()


def email_change_token(user: User, email: str) -> str:
    return signing.dumps({"user": user.pk, "email": email, "state": _email_change_state(user)}, salt=EMAIL_CHANGE_SALT)


def email_change_request(*, user: User, email: str) -> None:
    """Mail a confirmation link to the new address and a notice to the current one; nothing
    changes until the person opens the link while logged in (`email_change_confirm`)."""
    email = email.lower()
    context = {
        "user": user,
        "old": user.email,
        "new": email,
        "link": absolute_url("accounts:email_change_confirm", email_change_token(user, email)),
        "days": EMAIL_CHANGE_DAYS,
        "password_change": absolute_url("accounts:password_change"),
    }
    with transaction.atomic():
        send_after_commit(
            _("Please confirm your new e-mail address for Etappe"),
            render_to_string("accounts/email/email_change_confirm.txt", context),
            [email],
        )
        send_after_commit(
            _("A change of your e-mail address at Etappe was requested"),
            render_to_string("accounts/email/email_change_notice.txt", context),
            [user.email],
        )


def email_change_address(*, user: User, token: str) -> str:
    """The new address a link confirms for `user`; EmailChangeError if the link is invalid,
    expired, used, meant for another account, or the address has been taken meanwhile."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.SignatureExpired:
        raise EmailChangeError(_("This link has expired. Please request the change again.")) from None
    except signing.BadSignature:
        raise EmailChangeError(_("This link is not valid.")) from None
    if not isinstance(data, dict) or not all(
        isinstance(data.get(key), kind) for key, kind in (("user", int), ("email", str), ("state", str))
    ):
        raise EmailChangeError(_("This link is not valid."))
    if data["user"] != user.pk:
        raise EmailChangeNotYours(_("This link belongs to another account. Log in with the account that asked for it."))
    if not constant_time_compare(data["state"], _email_change_state(user)):
        raise EmailChangeError(_("This link has already been used or was replaced. Please request the change again."))
    if User.objects.filter(email=data["email"]).exclude(pk=user.pk).exists():
        raise EmailChangeError(_("A person with this e-mail address has an account already."))
    return data["email"]


def email_change_confirm(*, user: User, token: str) -> User:
    """Change the address a valid link confirms; the old address is told. The audit trail
    records the change (accounts.User is registered with django-auditlog)."""
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=user.pk)
            email = email_change_address(user=user, token=token)  # again, under the lock: two tabs
            old = user.email
            user.email = email
            user.save()
            context = {"user": user, "old": old, "new": email}
            send_after_commit(
                _("Your e-mail address at Etappe was changed"),
                render_to_string("accounts/email/email_change_done.txt", context),
                [old],
            )
    except IntegrityError:  # taken by another account in the same instant
        raise EmailChangeError(_("A person with this e-mail address has an account already.")) from None
    return user


def password_changed_notice(*, user: User) -> None:
    """Tell the account's address that its password was changed, once the change is committed;
    whoever did not change it learns of it and can set a new one (docs/accounts.md)."""
    context = {"user": user, "password_reset": absolute_url("accounts:password_reset")}
    send_after_commit(
        _("Your password at Etappe was changed"),
        render_to_string("accounts/email/password_changed.txt", context),
        [user.email],
    )
