from django.contrib import admin

from portal.committees.models import Committee, CommitteeMembership


class CommitteeMembershipInline(admin.TabularInline):
    model = CommitteeMembership
    autocomplete_fields = ["user"]
    extra = 1


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "access", "territory", "created_at"]
    list_filter = ["access"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["territory"]
    inlines = [CommitteeMembershipInline]
