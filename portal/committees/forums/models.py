import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.committees.choices import CommitteeAccess, PostStatus


class ThreadQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Threads whose committee's forum `user` may read: public committees for everyone,
        restricted ones for their members and curators, private ones for their members."""
        from portal.accounts.rules import is_curator
        from portal.committees.models import CommitteeMembership

        public = models.Q(committee__access=CommitteeAccess.PUBLIC)
        if user is None or not user.is_authenticated:
            return self.filter(public)
        seats = CommitteeMembership.objects.filter(user=user).values("committee_id")
        readable = public | models.Q(committee__in=seats)
        if is_curator(user):
            readable |= models.Q(committee__access=CommitteeAccess.RESTRICTED)
        return self.filter(readable)

    def in_forum_order(self):
        """Pinned threads first, then the most recently active."""
        return self.order_by("-is_pinned", "-last_activity_at", "-id")


class WithoutSearchVector(models.Manager):
    """Rows without their stored search document, which only the search's queries read
    (portal.committees.forums.search): pages never load it. A save writes only what was
    loaded, so it never overwrites the document either."""

    def get_queryset(self):
        return super().get_queryset().defer("search_vector")


ThreadManager = WithoutSearchVector.from_queryset(ThreadQuerySet)


class ForumCategory(models.Model):
    """A heading under which a committee's coordinators sort the threads of its forum."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="forum_categories"
    )
    name = models.CharField(_("name"), max_length=80)
    # The forum's filter names it in its address (?categorie=<slug>); made from the name.
    slug = models.SlugField(_("identifier"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        app_label = "committees"
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")
        ordering = ["position", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "slug"], name="forum_category_unique")
        ]

    def __str__(self):
        return self.name


class Thread(models.Model):
    """A conversation in a committee's forum: a title and a sequence of posts."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="threads"
    )
    title = models.CharField(_("title"), max_length=200)
    # Optional; deleting the category leaves its threads uncategorised. Its index is the
    # filtered forum's (thread_category_order).
    category = models.ForeignKey(
        ForumCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="threads",
        db_index=False,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Kept up to date by the posting services, so the forum list reads one row per thread.
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    last_post_id = models.BigIntegerField(null=True, blank=True, editable=False)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    # Slow mode: at most one post per person in this many seconds (0: off).
    slow_mode_seconds = models.PositiveIntegerField(_("slow mode (seconds)"), default=0)
    is_demo = models.BooleanField(_("demo data"), default=False)
    # The title as PostgreSQL searches it, written by the forum services (forums/search.py)
    # and matched through a GIN index (migration 0007). Unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ThreadManager()

    class Meta:
        app_label = "committees"
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["-is_pinned", "-last_activity_at", "-id"]
        indexes = [
            models.Index(
                fields=["committee", "-is_pinned", "-last_activity_at"],
                name="thread_forum_order",
            ),
            models.Index(
                fields=["category", "-is_pinned", "-last_activity_at"],
                name="thread_category_order",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("committees:thread", args=[self.committee.slug, self.pk])

    @property
    def slow_mode_minutes(self):
        return max(1, self.slow_mode_seconds // 60)

    @property
    def reply_count(self):
        return max(self.post_count - 1, 0)


class Post(models.Model):
    """One message in a thread, in Markdown, with its sanitised HTML rendered when written."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="forum_posts"
    )
    # The organisation the author wrote for, shown beside their name.
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))
    body_html = models.TextField(editable=False)
    # The post this one answers (written from its « quote » link): its author is told.
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.VISIBLE
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # The message as PostgreSQL searches it, like Thread.search_vector.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = WithoutSearchVector()

    class Meta:
        app_label = "committees"
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at", "id"], name="post_thread_order")]

    def __str__(self):
        return f"{self.thread} #{self.pk}"

    def get_absolute_url(self):
        return f"{self.thread.get_absolute_url()}?post={self.pk}#post-{self.pk}"

    @property
    def is_visible(self):
        return self.status == PostStatus.VISIBLE

    @property
    def is_hidden(self):
        return self.status == PostStatus.HIDDEN

    @property
    def is_deleted(self):
        return self.status == PostStatus.DELETED


def attachment_path(instance, filename):
    # Names nothing of the file or its post; no public address serves it: a view checks who
    # may read the thread (access.py).
    return f"forums/{uuid.uuid4().hex}"


class PostAttachment(models.Model):
    """A file attached to a forum post (PDF, image, office document), checked as the knowledge
    base's attachments are."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        app_label = "committees"
        verbose_name = _("post attachment")
        verbose_name_plural = _("post attachments")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def kind(self):
        """The file's type as people name it (PDF, PNG…): its extension, which the upload's
        check matched against its content."""
        return self.original_name.rsplit(".", 1)[-1].upper()


class PostRevision(models.Model):
    """An earlier text of an edited post, kept for the committee's coordinators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("message"))
    written_at = models.DateTimeField(_("written at"))
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "committees"
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        ordering = ["-replaced_at", "-id"]

    def __str__(self):
        return f"{self.post} @ {self.written_at:%Y-%m-%d %H:%M}"


class ThreadReadState(models.Model):
    """How far a person has read a thread: the last post they saw, not one row per post."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_read_states"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_post_id = models.BigIntegerField(default=0)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "committees"
        verbose_name = _("thread read state")
        verbose_name_plural = _("thread read states")
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="thread_read_state_unique")
        ]

    def __str__(self):
        return f"{self.user} read {self.thread} up to #{self.last_read_post_id}"
