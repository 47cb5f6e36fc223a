from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from sso.kinds import KINDS, ProviderKind
from sso.mapping import same_group
from sso.models import GroupMapping, IdentityProvider, SsoSettings

# The fields of each kind (besides the common ones) and those of them it cannot do without.
COMMON = ["name", "slug", "enabled", "link_by_email"]
ATTRIBUTES = ["email_attribute", "name_attribute", "groups_attribute"]
FIELDS = {
    "oidc": [*COMMON, "discovery_url", "client_id", "scopes", "mfa_acr_values", *ATTRIBUTES],
    "saml": [*COMMON, "idp_metadata_xml", "idp_metadata_url", "mfa_acr_values", *ATTRIBUTES],
    "ldap": [
        *COMMON,
        "server_url",
        "start_tls",
        "bind_dn",
        "user_search_base",
        "user_filter",
        "user_dn_template",
        *ATTRIBUTES,
    ],
}
REQUIRED = {"oidc": ["discovery_url", "client_id"], "saml": [], "ldap": ["server_url"]}


class ProviderForm(forms.ModelForm):
    """The fields of one kind of provider; the kind is chosen before (a new provider) and stays."""

    class Meta:
        model = IdentityProvider
        fields = sorted({name for names in FIELDS.values() for name in names})
        widgets = {"idp_metadata_xml": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.instance.kind = kind
        wanted = FIELDS[kind]
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        self.order_fields(wanted)
        label = ProviderKind(kind).label
        for name in REQUIRED[kind]:
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = _("This field is required for %(kind)s.") % {"kind": label}
        spec = KINDS[kind]
        for which in ("email", "name", "groups"):
            self.fields[f"{which}_attribute"].help_text = _("Empty: %(default)s") % {
                "default": getattr(spec, f"{which}_attribute")
            }

    def clean_server_url(self) -> str:
        url = self.cleaned_data.get("server_url", "").strip()
        parts = urlsplit(url)
        if url and (parts.scheme not in ("ldap", "ldaps") or not parts.hostname):
            raise forms.ValidationError(
                _("Give the address with ldaps:// or ldap://, e.g. ldaps://dc1.town.local:636.")
            )
        return url

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data
        kind = self.kind
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

    def clean_group(self) -> str:
        """One row per group and provider: a second row would make the group's role ambiguous."""
        group = self.cleaned_data["group"].strip()
        provider = self.instance.provider
        others = provider.mappings.exclude(pk=self.instance.pk)
        if any(same_group(provider, group, row.group) for row in others):
            raise forms.ValidationError(
                _("This group is mapped already. Change its row instead of adding a second one.")
            )
        return group

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
