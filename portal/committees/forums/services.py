"""Writes of the forums: threads, posts, edits, deletion by the author, moderation.

Refusals raise PermissionDenied or ValidationError and change nothing. The HTML of a post
is rendered and sanitised when it is written, so reading never renders Markdown.
"""

from datetime import timedelta

import rules
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.committees.choices import ModerationAction, PostStatus
from portal.committees.following import services as following
from portal.committees.forums import attachments, mentions
from portal.committees.forums.models import Post, PostRevision, Thread, ThreadReadState
from portal.committees.forums.search import search_documents_refresh
from portal.committees.membership.selectors import seat_of
from portal.committees.membership.services import notify, portal_language
from portal.committees.moderation import log

MAX_BODY = 20000
MODERATION = "committees.moderation"


def delete_window():
    return timedelta(minutes=settings.COMMITTEES_POST_DELETE_MINUTES)


def require_posting(*, user, committee):
    """Refuse, saying why, someone who may not write in the committee's forum."""
    if not rules.test_rule("committees.post_in_forum", user, committee):
        seat = seat_of(user=user, committee=committee)
        if seat is not None and seat.is_suspended:
            raise PermissionDenied(
                _("You are suspended in this committee until %(date)s: you can read, not write.")
                % {"date": f"{timezone.localtime(seat.suspended_until):%d/%m/%Y}"}
            )
        raise PermissionDenied(_("Only the committee's members can write in its forum."))


def _require_moderator(*, user, committee):
    if not user.has_perm("committees.moderate_forum", committee):
        raise PermissionDenied(_("Only the committee's coordinators can moderate its forum."))


def _clean_body(body):
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("The message is empty."), code="empty")
    if len(body) > MAX_BODY:
        raise ValidationError(_("The message is too long."), code="too_long")
    return body


def _organisation_of(user):
    seat = user.memberships.select_related("organisation").order_by("joined_at", "id").first()
    return seat.organisation if seat else None


def reads_key(user_id):
    """Where how far a reader has read the threads they opened is kept for their pages
    (marks.py), under the generation; their reading forgets it."""
    return f"forums:reads:{user_id}"


def _read_up_to(*, user, thread, post_id):
    """Record that `user` has read `thread` up to `post_id` (never moving backwards); the
    positions kept for their pages (marks.py) are forgotten, now and at commit."""
    ThreadReadState.objects.bulk_create(
        [ThreadReadState(user=user, thread=thread, last_read_post_id=post_id)],
        update_conflicts=True,
        unique_fields=["user", "thread"],
        update_fields=["last_read_post_id", "read_at"],
    )
    key = reads_key(user.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def read_state_advance(*, user, thread, post_id, previous):
    if user is None or not user.is_authenticated or post_id is None:
        return
    if previous is not None and previous >= post_id:
        return
    _read_up_to(user=user, thread=thread, post_id=post_id)


def _add_post(*, user, thread, body, now, reply_to=None):
    """Add a post, follow the thread for its writer, and tell the people it concerns. The
    writer's warnings about mentions are on the post (`mention_warnings`)."""
    post = Post.objects.create(
        thread=thread,
        author=user,
        organisation=_organisation_of(user),
        body=body,
        body_html=mentions.rendered(body),
        reply_to=reply_to if reply_to is not None and reply_to.thread_id == thread.pk else None,
        created_at=now,
    )
    search_documents_refresh(posts=Post.objects.filter(pk=post.pk))
    Thread.objects.filter(pk=thread.pk).update(
        post_count=F("post_count") + 1,
        last_activity_at=now,
        last_post_id=post.pk,
        last_poster=user,
    )
    _read_up_to(user=user, thread=thread, post_id=post.pk)
    following.follow_on_writing(user=user, thread=thread)
    mentioned, post.mention_warnings = mentions.resolve(body=body, committee=thread.committee)
    following.post_told(post=post, thread=thread, mentioned=mentioned)
    return post


def thread_create(*, user, committee, title, body, category=None, files=()):
    """Start a thread: its title, its category among the forum's (optional) and its first
    post, with the files attached to it."""
    require_posting(user=user, committee=committee)
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("A thread needs a title."), code="title")
    body = _clean_body(body)
    if category is not None and category.committee_id != committee.pk:
        raise ValidationError(_("This category is not one of this forum's."), code="category")
    checked = attachments.attachments_check(files=files)
    now = timezone.now()
    with attachments.written_files() as written, transaction.atomic():
        thread = Thread.objects.create(
            committee=committee,
            title=title[:200],
            category=category,
            author=user,
            created_at=now,
            last_activity_at=now,
        )
        search_documents_refresh(threads=Thread.objects.filter(pk=thread.pk))
        post = _add_post(user=user, thread=thread, body=body, now=now)
        attachments.attachments_save(post=post, checked=checked, written=written)
    thread.refresh_from_db()
    thread.mention_warnings = post.mention_warnings
    return thread


def post_create(*, user, thread, body, reply_to=None, files=()):
    """Reply to a thread (to one of its posts, `reply_to`, whose author is told), with files
    attached."""
    require_posting(user=user, committee=thread.committee)
    body = _clean_body(body)
    checked = attachments.attachments_check(files=files)
    with attachments.written_files() as written, transaction.atomic():
        current = (
            Thread.objects.select_for_update()
            .only("is_locked", "slow_mode_seconds", "committee")
            .get(pk=thread.pk)
        )
        if current.is_locked:
            raise PermissionDenied(_("This thread is closed: nobody can reply any more."))
        now = timezone.now()
        current.committee = thread.committee
        require_pace(user=user, thread=current, now=now)
        post = _add_post(user=user, thread=thread, body=body, now=now, reply_to=reply_to)
        attachments.attachments_save(post=post, checked=checked, written=written)
    return post


def quote_of(*, post):
    """The Markdown that quotes a post at the start of a reply."""
    if not post.is_visible:
        return ""
    lines = post.body.splitlines() or [""]
    author = post.author.display_name if post.author else _("Deleted account")
    quoted = "\n".join(f"> {line}" if line else ">" for line in lines)
    return _("%(author)s wrote:") % {"author": author} + "\n" + quoted + "\n\n"


def require_own_visible_post(*, user, post):
    if not user.is_authenticated or post.author_id != user.pk:
        raise PermissionDenied(_("Only its author can change a post."))
    if not post.is_visible:
        raise PermissionDenied(_("This post can no longer be changed."))


def post_edit(*, user, post, body, files=(), remove=()):
    """The author edits their post; the earlier text is kept for the coordinators. They may
    attach more files (`files`), and remove attached ones (`remove`: their ids) within the
    deletion window, as they may delete the post: after it, what others may have read stays
    for the coordinators to judge."""
    require_own_visible_post(user=user, post=post)
    require_posting(user=user, committee=post.thread.committee)
    if post.thread.is_locked:
        raise PermissionDenied(_("This thread is closed: nobody can reply any more."))
    body = _clean_body(body)
    remove = set(remove or ())
    if remove and not can_delete(user=user, post=post):
        raise ValidationError(
            _(
                "An attached file can be removed only within %(minutes)s minutes of writing "
                "the post."
            )
            % {"minutes": settings.COMMITTEES_POST_DELETE_MINUTES},
            code="window",
        )
    checked = attachments.attachments_check(files=files)
    if body == post.body and not checked and not remove:
        return post
    now = timezone.now()
    with attachments.written_files() as written, transaction.atomic():
        # Two edits at once cannot both pass the count of files.
        Post.objects.select_for_update().filter(pk=post.pk).values_list("pk").get()
        if remove:
            attachments.attachments_remove(post=post, ids=remove)
        attachments.require_room(post=post, adding=len(checked))
        attachments.attachments_save(post=post, checked=checked, written=written)
        if body == post.body:
            return post
        PostRevision.objects.create(
            post=post,
            body=post.body,
            written_at=post.edited_at or post.created_at,
            replaced_at=now,
            replaced_by=user,
        )
        post.body, post.body_html, post.edited_at = body, mentions.rendered(body), now
        post.save(update_fields=["body", "body_html", "edited_at"])
        search_documents_refresh(posts=Post.objects.filter(pk=post.pk))
    return post


def can_delete(*, user, post):
    return (
        user.is_authenticated
        and post.author_id == user.pk
        and post.is_visible
        and timezone.now() - post.created_at <= delete_window()
    )


def post_delete(*, user, post):
    """The author withdraws their post within the deletion window; its text and attached
    files are erased."""
    require_own_visible_post(user=user, post=post)
    if not can_delete(user=user, post=post):
        raise PermissionDenied(
            _("A post can be deleted only within %(minutes)s minutes of writing it.")
            % {"minutes": settings.COMMITTEES_POST_DELETE_MINUTES}
        )
    with transaction.atomic():
        post.revisions.all().delete()
        attachments.attachments_remove(post=post)
        post.status, post.body, post.body_html = PostStatus.DELETED, "", ""
        post.save(update_fields=["status", "body", "body_html"])
        search_documents_refresh(posts=Post.objects.filter(pk=post.pk))
    return post


def post_hide(*, user, post, reason="", automatic=False):
    """A coordinator hides a post (or the reports do, `automatic`); readers see « message
    masqué par la modération », the author is told why."""
    committee = post.thread.committee
    if not automatic:
        _require_moderator(user=user, committee=committee)
    if not post.is_visible:
        raise ValidationError(_("This post is not shown: there is nothing to hide."), code="state")
    post.status, post.hidden_at = PostStatus.HIDDEN, timezone.now()
    post.hidden_by = None if automatic else user
    post.hidden_reason = (reason or "").strip()[:500]
    post.save(update_fields=["status", "hidden_at", "hidden_by", "hidden_reason"])
    log.record(
        committee=committee,
        actor=None if automatic else user,
        action=ModerationAction.AUTO_HIDE if automatic else ModerationAction.HIDE,
        post=post,
        reason=post.hidden_reason,
    )
    with portal_language():
        body = _(
            "The coordinators of %(committee)s hid your post in the thread « %(thread)s »."
        ) % {
            "committee": committee.name,
            "thread": post.thread.title,
        }
        if post.hidden_reason:
            body += "\n\n" + _("Reason:") + " " + post.hidden_reason
        notify(
            recipient=post.author,
            subject=_("Your post was hidden"),
            body=body,
            path=post.get_absolute_url(),
            kind=MODERATION,
            committee=committee,
        )
    return post


def post_unhide(*, user, post, reason=""):
    _require_moderator(user=user, committee=post.thread.committee)
    if not post.is_hidden:
        raise ValidationError(_("This post is not hidden."), code="state")
    post.status, post.hidden_at, post.hidden_by, post.hidden_reason = (
        PostStatus.VISIBLE,
        None,
        None,
        "",
    )
    post.save(update_fields=["status", "hidden_at", "hidden_by", "hidden_reason"])
    log.record(
        committee=post.thread.committee,
        actor=user,
        action=ModerationAction.UNHIDE,
        post=post,
        reason=reason,
    )
    return post


def thread_lock(*, user, thread, locked):
    _require_moderator(user=user, committee=thread.committee)
    thread.is_locked = locked
    thread.save(update_fields=["is_locked"])
    action = ModerationAction.LOCK if locked else ModerationAction.UNLOCK
    log.record(committee=thread.committee, actor=user, action=action, thread=thread)
    return thread


def thread_pin(*, user, thread, pinned):
    _require_moderator(user=user, committee=thread.committee)
    thread.is_pinned = pinned
    thread.save(update_fields=["is_pinned"])
    action = ModerationAction.PIN if pinned else ModerationAction.UNPIN
    log.record(committee=thread.committee, actor=user, action=action, thread=thread)
    return thread


def require_pace(*, user, thread, now):
    """Slow mode: refuse a post within the thread's interval after the person's last one
    (coordinators are not slowed)."""
    if not thread.slow_mode_seconds or user.has_perm("committees.moderate_forum", thread.committee):
        return
    last = (
        Post.objects.filter(thread=thread, author=user)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is None:
        return
    allowed = last + timedelta(seconds=thread.slow_mode_seconds)
    if now < allowed:
        raise ValidationError(
            _(
                "This thread is slowed down: one post every %(minutes)s minutes per person. "
                "You can write again at %(time)s."
            )
            % {
                "minutes": max(1, thread.slow_mode_seconds // 60),
                "time": f"{timezone.localtime(allowed):%H:%M}",
            },
            code="pace",
        )
