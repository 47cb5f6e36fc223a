from django.urls import path

from municipality import views
from municipality.models import LegalPage

app_name = "municipality"
urlpatterns = [
    path("settings/", views.configure, name="configure"),
    path("settings/impressum/", views.edit_legal_page, {"kind": LegalPage.Kind.IMPRINT}, name="edit_imprint"),
    path("settings/datenschutz/", views.edit_legal_page, {"kind": LegalPage.Kind.PRIVACY}, name="edit_privacy"),
]
