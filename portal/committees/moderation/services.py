"""Moderation: reports on posts and the coordinators' decisions, slowing a thread down,
moving it to another committee. Every action is logged (log.py); refusals raise
PermissionDenied or ValidationError and change nothing."""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.notifications import services as notifications
from portal.accounts.rules import is_administrator
from portal.committees.choices import CommitteeRole, ModerationAction, ReportReason
from portal.committees.following.models import Subscription
from portal.committees.forums import services as forums
from portal.committees.forums.models import Thread
from portal.committees.membership.services import committee_scope
from portal.committees.models import Committee
from portal.committees.moderation import log
from portal.committees.moderation.models import Report
from portal.committees.selectors import NO_BOUNDARY, coordinators_of

REPORTS = "committees.report"
# A post reported by this many different people is hidden until a coordinator decides.
AUTO_HIDE_REPORTS = 3
SLOW_MODES = (0, 60, 300, 900, 3600)


def _require_moderator(*, user, committee):
    if not user.is_authenticated or not user.has_perm("committees.moderate_forum", committee):
        raise PermissionDenied(_("Only the committee's coordinators can moderate its forum."))


def report_create(*, user, post, reason, text=""):
    """Report a post one can read. The third member of the committee to report it hides it
    at once."""
    thread = post.thread
    committee = thread.committee
    if not user.is_authenticated or not rules.test_rule("committees.read_forum", user, committee):
        raise PermissionDenied(_("You cannot read this post."))
    if reason not in ReportReason.values:
        raise ValidationError(_("Choose a reason."), code="reason")
    text = (text or "").strip()
    if reason == ReportReason.OTHER and not text:
        raise ValidationError(_("Say what is wrong with this post."), code="text")
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot report your own post."), code="own")
    if not post.is_visible:
        raise ValidationError(_("This post is not shown any more."), code="state")
    try:
        with transaction.atomic():
            report = Report.objects.create(post=post, reporter=user, reason=reason, text=text[:500])
    except IntegrityError:
        raise ValidationError(_("You already reported this post."), code="twice") from None
    # Only the committee's members count towards hiding: a few accounts made for the purpose
    # cannot silence a public committee.
    reporters = Report.objects.filter(
        post=post,
        resolved_at__isnull=True,
        reporter__committee_memberships__committee=committee,
    ).count()
    with notifications.portal_language():
        if reporters >= AUTO_HIDE_REPORTS:
            forums.post_hide(
                user=None,
                post=post,
                reason=_("Hidden after %(count)s reports, until the coordinators decide.")
                % {"count": reporters},
                automatic=True,
            )
        notifications.notify(
            recipients=[seat.user for seat in coordinators_of(committee=committee)],
            kind=REPORTS,
            title=_("A post was reported in « %(thread)s » (%(reason)s)")
            % {"thread": thread.title, "reason": report.get_reason_display()},
            body=text,
            path=_queue_path(committee),
            scope=committee_scope(committee),
        )
    return report


def _queue_path(committee):
    return reverse("committees:moderation", args=[committee.slug])


def reports_resolve(*, user, post, hide, reason=""):
    """A coordinator decides on a reported post: hide it (the author is told why) or keep it
    (shown again if the reports had hidden it). The reports are closed either way."""
    committee = post.thread.committee
    _require_moderator(user=user, committee=committee)
    with transaction.atomic():
        if hide and post.is_visible:
            forums.post_hide(user=user, post=post, reason=reason)
        elif not hide:
            if post.is_hidden and post.hidden_by_id is None:
                forums.post_unhide(user=user, post=post, reason=reason)
            log.record(
                committee=committee,
                actor=user,
                action=ModerationAction.REPORTS_DISMISSED,
                post=post,
                reason=reason,
            )
        closed = Report.objects.filter(post=post, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=user
        )
    return closed


def thread_slow(*, user, thread, seconds):
    """Slow a heated thread down: one post per person per interval (0 lifts it)."""
    _require_moderator(user=user, committee=thread.committee)
    if seconds not in SLOW_MODES:
        raise ValidationError(_("Choose one of the proposed intervals."), code="interval")
    thread.slow_mode_seconds = seconds
    thread.save(update_fields=["slow_mode_seconds"])
    log.record(
        committee=thread.committee,
        actor=user,
        action=ModerationAction.SLOW,
        thread=thread,
        reason=_("one post every %(minutes)s minutes") % {"minutes": seconds // 60}
        if seconds
        else _("lifted"),
    )
    return thread


def thread_move(*, user, thread, target, reason=""):
    """Move a thread to another committee the person also moderates. Who follows the thread
    keeps following it; both committees' logs say so. Its category, the old forum's, is left
    behind."""
    source = thread.committee
    _require_moderator(user=user, committee=source)
    _require_moderator(user=user, committee=target)
    if target.pk == source.pk:
        raise ValidationError(_("The thread is already in this committee."), code="same")
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(committee=target, category=None)
        Subscription.objects.filter(thread=thread).update(committee=target)
        thread.committee, thread.category = target, None
        for committee in (source, target):
            log.record(
                committee=committee,
                actor=user,
                action=ModerationAction.MOVE,
                thread=thread,
                reason=_("from %(source)s to %(target)s: %(reason)s")
                % {"source": source.name, "target": target.name, "reason": reason or "—"},
            )
    return thread


def moderated_committees(*, user):
    """The committees whose forum `user` moderates: those they coordinate (administrators:
    all)."""
    if not user.is_authenticated:
        return Committee.objects.none()
    committees = Committee.objects.defer(*NO_BOUNDARY).order_by("name")
    if is_administrator(user):
        return committees
    return committees.filter(
        memberships__user=user, memberships__role=CommitteeRole.COORDINATOR
    ).distinct()
