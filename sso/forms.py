from django import forms
from django.utils.translation import gettext_lazy as _

from sso.models import GroupMapping, IdentityProvider, SsoSettings

# What each kind needs filled in (besides name and short name).
REQUIRED = {
    "oidc": ["discovery_url", "client_id"],
    "saml": [],
    "ldap": ["server_url"],
}


class ProviderForm(forms.ModelForm):
    class Meta:
        model = IdentityProvider
        fields = [
            "kind",
            "name",
            "slug",
            "enabled",
            "link_by_email",
            "discovery_url",
            "client_id",
            "scopes",
            "mfa_acr_values",
            "idp_metadata_xml",
            "idp_metadata_url",
            "server_url",
            "start_tls",
            "bind_dn",
            "user_search_base",
            "user_filter",
            "user_dn_template",
            "email_attribute",
            "name_attribute",
            "groups_attribute",
        ]
        widgets = {"idp_metadata_xml": forms.Textarea(attrs={"rows": 6})}

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data
        kind = cleaned.get("kind")
        for name in REQUIRED.get(kind or "", []):
            if not cleaned.get(name):
                self.add_error(name, _("This kind of provider needs this field."))
        if (
            kind == "saml"
            and not (cleaned.get("idp_metadata_xml") or "").strip()
            and not cleaned.get("idp_metadata_url")
        ):
            self.add_error("idp_metadata_xml", _("Paste the IdP's metadata or give its URL."))
        if kind == "saml" and "EntityDescriptor" not in (cleaned.get("idp_metadata_xml") or "EntityDescriptor"):
            self.add_error("idp_metadata_xml", _("This is not SAML metadata (no EntityDescriptor)."))
        if (
            kind == "ldap"
            and not cleaned.get("user_dn_template")
            and not (cleaned.get("bind_dn") and cleaned.get("user_search_base"))
        ):
            self.add_error(
                "user_dn_template", _("Give either a service account DN with a search base, or a DN template.")
            )
        return cleaned


class MappingForm(forms.ModelForm):
    class Meta:
        model = GroupMapping
        fields = ["group", "role", "unit"]

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data
        if not cleaned.get("role") and not cleaned.get("unit"):
            raise forms.ValidationError(_("Choose a role, a unit or both."))
        return cleaned


class SettingsForm(forms.ModelForm):
    class Meta:
        model = SsoSettings
        fields = ["staff_password_login"]


class PreviewForm(forms.Form):
    groups = forms.CharField(
        label=_("Groups of a test login"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One group per line, as the provider sends it (e.g. the group's DN or name)."),
    )

    def group_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["groups"].splitlines() if line.strip()]
