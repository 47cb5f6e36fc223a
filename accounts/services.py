"""Account workflows with side effects: registration and its confirmation."""

from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User

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
