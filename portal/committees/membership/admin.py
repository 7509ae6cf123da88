from django.contrib import admin

from portal.committees.membership.models import JoinRequest


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "committee", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["committee", "user", "decided_by"]
