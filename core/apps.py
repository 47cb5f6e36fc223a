from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Django 6.1 labels the empty choice of every select "- Select an option -" and ships no German
# for it yet; naming the message here keeps it in Etappe's catalogue, which Django reads first.
gettext_noop("- Select an option -")


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform")
