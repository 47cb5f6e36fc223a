from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Django 6.1 labels the empty choice of every select "- Select an option -" and ships no German
# for it yet; naming the message here keeps it in Etappe's catalogue, which Django reads first.
gettext_noop("- Select an option -")
# The same for the messages of the user form in the Django admin that Django 6.1 has no German for.
gettext_noop("Conflicting form data submitted. Please try again.")
gettext_noop("Password-based authentication was disabled.")
gettext_noop("Set password: %s")
gettext_noop("Reset password")
gettext_noop("Set password")
gettext_noop(
    "Whether the user will be able to authenticate using a password or not. If disabled, they may still be "
    "able to authenticate using other backends, such as Single Sign-On or LDAP."
)
gettext_noop("Password-based authentication")
gettext_noop("Enabled")
gettext_noop("Disabled")
gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password.")
gettext_noop("Enable password-based authentication for this user by setting a password.")
gettext_noop("After you’ve created a user, you’ll be able to edit more user options.")
gettext_noop("This action will <strong>enable</strong> password-based authentication for this user.")
gettext_noop("Disable password-based authentication")
gettext_noop("Enable password-based authentication")
gettext_noop("In case you’ve forgotten, you are:")
# Headings for screen readers and the action button of the admin's lists, also new in Django 6.1.
gettext_noop("Search %(name)s")
gettext_noop("Filter by %(field_name)s")
gettext_noop("Pagination %(name)s")
gettext_noop("Pagination %(name)s entries")
gettext_noop("Run")


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform")
