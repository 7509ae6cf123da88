"""The moderation log: every moderation service writes one line here."""

from portal.committees.moderation.models import ModerationEntry


def record(*, committee, actor, action, thread=None, post=None, person=None, reason=""):
    return ModerationEntry.objects.create(
        committee=committee,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        thread=thread if thread is not None else (post.thread if post is not None else None),
        post=post,
        person=person,
        reason=(reason or "")[:500],
    )
