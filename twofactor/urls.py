from django.urls import path

from twofactor import views

app_name = "twofactor"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("totp/", views.totp, name="totp"),
    path("totp/remove/", views.totp_remove_view, name="totp_remove"),
    path("recovery/", views.recovery, name="recovery"),
    path("passkeys/options/", views.passkey_options, name="passkey_options"),
    path("passkeys/add/", views.passkey_add_view, name="passkey_add"),
    path("passkeys/<int:pk>/remove/", views.passkey_remove_view, name="passkey_remove"),
    path("off/", views.disable, name="disable"),
    path("verify/", views.verify, name="verify"),
    path("verify/passkey/options/", views.verify_passkey_options, name="verify_passkey_options"),
    path("verify/passkey/", views.verify_passkey, name="verify_passkey"),
    path("roles/", views.roles, name="roles"),
    path("people/<int:pk>/reset/", views.reset, name="reset"),
]
