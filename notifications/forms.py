from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Frequency


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("Send me my notifications by e-mail"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text=_("The page “Notifications” always shows them, whatever you choose here."),
    )


class FollowForm(forms.Form):
    action = forms.ChoiceField(choices=[("follow", "follow"), ("unfollow", "unfollow")])


class UnfollowForm(forms.Form):
    """A row's button on the page of what one follows; `page` leads back to the same page."""

    page = forms.IntegerField(required=False, min_value=1)
