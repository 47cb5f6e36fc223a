from django.urls import path

from sso import views

app_name = "sso"
urlpatterns = [
    path("", views.providers, name="providers"),
    path("new/", views.provider_edit, name="provider_new"),
    path("<int:pk>/", views.provider_edit, name="provider"),
    path("<int:pk>/delete/", views.provider_delete, name="provider_delete"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:provider_pk>/mappings/new/", views.mapping_edit, name="mapping_new"),
    path("mappings/<int:pk>/", views.mapping_edit, name="mapping"),
    path("mappings/<int:pk>/delete/", views.mapping_delete, name="mapping_delete"),
    path("<slug:slug>/login/", views.login_start, name="login"),
    path("<slug:slug>/oidc/callback/", views.oidc_callback, name="oidc_callback"),
    path("<slug:slug>/saml/metadata/", views.saml_metadata, name="saml_metadata"),
    path("<slug:slug>/saml/acs/", views.saml_acs, name="saml_acs"),
    path("<slug:slug>/saml/finish/", views.saml_finish, name="saml_finish"),
]
