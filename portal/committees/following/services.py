"""Following a forum or a thread, and telling people of new posts as they follow them:
mentions and replies to their posts (« normal »), every post (« suivre »), or nothing
(« silencieux »). Notifications go through portal.accounts, scoped to the committee, so that
nobody who can no longer read it is told."""

import rules
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.notifications import services as notifications
from portal.committees.choices import FollowLevel
from portal.committees.following.models import Subscription
from portal.committees.membership.services import committee_scope

MENTIONS = "committees.mention"
REPLIES = "committees.reply"
FOLLOWED = "committees.followed"


def level_set(*, user, committee, level, thread=None):
    """Choose how closely to follow the committee's forum (thread None) or a thread."""
    if not user.is_authenticated or not rules.test_rule("committees.read_forum", user, committee):
        raise PermissionDenied(_("You cannot read this forum."))
    if level not in FollowLevel.values:
        raise ValidationError(_("Unknown way of following."), code="level")
    if thread is not None and thread.committee_id != committee.pk:
        raise ValidationError(_("This thread is not in this committee."), code="thread")
    Subscription.objects.update_or_create(
        user=user,
        committee=committee,
        thread=thread,
        defaults={"level": level, "updated_at": timezone.now()},
    )


def follow_on_writing(*, user, thread):
    """Starting or replying to a thread follows it, unless the person chose otherwise."""
    Subscription.objects.get_or_create(
        user=user,
        committee_id=thread.committee_id,
        thread=thread,
        defaults={"level": FollowLevel.FOLLOW},
    )


def levels(*, thread):
    """{user id: level} of everyone with a row for the thread or its committee, the thread's
    own row first."""
    rows = Subscription.objects.filter(committee_id=thread.committee_id).filter(
        thread__isnull=True
    ) | Subscription.objects.filter(thread=thread)
    found = {}
    for user_id, thread_id, level in rows.values_list("user_id", "thread_id", "level"):
        if thread_id is not None or user_id not in found:
            found[user_id] = level
    return found


def post_told(*, post, thread, mentioned=()):
    """Tell people of a new post, once each: the people it mentions, the author of the post it
    answers, then those who follow the thread; all but the silent and the writer."""
    known = levels(thread=thread)
    author = post.author
    told = {author.pk} if author else set()
    with notifications.portal_language():
        name = author.display_name if author else _("Deleted account")
        batches = [
            (
                MENTIONS,
                [u for u in mentioned if known.get(u.pk) != FollowLevel.SILENT],
                _("%(name)s mentioned you in « %(thread)s »"),
            ),
            (
                REPLIES,
                [post.reply_to.author]
                if post.reply_to_id
                and post.reply_to.author
                and known.get(post.reply_to.author_id) != FollowLevel.SILENT
                else [],
                _("%(name)s replied to your post in « %(thread)s »"),
            ),
        ]
        followers = [user_id for user_id, level in known.items() if level == FollowLevel.FOLLOW]
        for kind, people, title in batches:
            people = [person for person in people if person.pk not in told]
            told |= {person.pk for person in people}
            _tell(post, thread, kind, people, title % {"name": name, "thread": thread.title})
        rest = get_user_model().objects.filter(pk__in=set(followers) - told)
        title = _("New post by %(name)s in « %(thread)s »") % {"name": name, "thread": thread.title}
        _tell(post, thread, FOLLOWED, list(rest), title)


def _tell(post, thread, kind, people, title):
    if not people:
        return
    excerpt = post.body if len(post.body) <= 300 else post.body[:300] + "…"
    notifications.notify(
        recipients=people,
        kind=kind,
        title=title,
        body=excerpt,
        path=post.get_absolute_url(),
        scope=committee_scope(thread.committee),
        topic=f"thread:{thread.pk}",
        actor=post.author,
    )
