from django.contrib import admin

from portal.committees.forums.models import Thread


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "committee",
        "post_count",
        "last_activity_at",
        "is_pinned",
        "is_locked",
    ]
    list_filter = ["is_pinned", "is_locked", "is_demo"]
    search_fields = ["title"]
    raw_id_fields = ["committee", "author", "last_poster"]
    readonly_fields = ["post_count", "last_activity_at", "last_poster"]
