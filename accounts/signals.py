"""Side effects of changes to a user account that must happen however the change is made
(password change or reset, the Django admin, a management command)."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import ApiToken, User


@receiver(post_save, sender=User, dispatch_uid="accounts.revoke_tokens")
def revoke_tokens(sender: type[User], instance: User, created: bool, **kwargs) -> None:
    """A new password or a deactivated account ends every API token of the person.

    `_password` is set by set_password() until the save completes; Django's own rehashing of a
    password at login clears it first, so an upgraded hash revokes nothing.
    """
    if created or kwargs.get("raw"):
        return
    if instance._password is not None or not instance.is_active:  # type: ignore[attr-defined]  # Django's
        ApiToken.objects.filter(user=instance).revoke()


@receiver(user_logged_in, dispatch_uid="accounts.start_session")
def start_session(sender: type[User], request, user: User, **kwargs) -> None:
    """The idle timeout and the absolute lifetime of a session count from the login."""
    from core.middleware import SessionSecurityMiddleware

    if request is not None and hasattr(request, "session"):
        SessionSecurityMiddleware.start(request)
