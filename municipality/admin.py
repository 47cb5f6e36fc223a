from django.contrib import admin

from municipality.models import Municipality


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "ars", "ags", "state", "population", "is_fictional"]
