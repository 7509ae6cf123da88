from django.contrib import admin

from portal.knowledge.models import Axis, Preconisation


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]


@admin.register(Preconisation)
class PreconisationAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "axis", "kind"]
    list_filter = ["axis", "kind"]
