from django.contrib import admin

from portal.committees.forums.models import ForumCategory, PostAttachment, Thread


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
    raw_id_fields = ["committee", "category", "author", "last_poster"]
    readonly_fields = ["post_count", "last_activity_at", "last_poster"]


@admin.register(ForumCategory)
class ForumCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "position"]
    search_fields = ["name", "committee__name"]
    raw_id_fields = ["committee"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PostAttachment)
class PostAttachmentAdmin(admin.ModelAdmin):
    """For operators to look at and remove a file; files are added by their writers only,
    through the forum's checks."""

    list_display = ["original_name", "content_type", "size", "created_at", "post"]
    search_fields = ["original_name"]
    # The stored file has no public address to link to.
    exclude = ["file"]
    readonly_fields = ["post", "original_name", "content_type", "size", "created_at"]

    def has_add_permission(self, request):
        return False
