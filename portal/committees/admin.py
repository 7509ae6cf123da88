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


# The capabilities' models, for operators; coordinators work in the committees' own pages.
from portal.committees.forums.admin import (  # noqa: E402
    ForumCategoryAdmin,
    PostAttachmentAdmin,
    ThreadAdmin,
)
from portal.committees.membership.admin import JoinRequestAdmin  # noqa: E402

__all__ = [
    "CommitteeAdmin",
    "ForumCategoryAdmin",
    "JoinRequestAdmin",
    "PostAttachmentAdmin",
    "ThreadAdmin",
]
