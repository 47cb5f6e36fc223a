from django.contrib import admin

from strategy.models import FieldOfAction, GlossaryEntry, Goal, Strategy

admin.site.register([Strategy, GlossaryEntry, FieldOfAction, Goal])
