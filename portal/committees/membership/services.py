"""Writes about who sits on a committee: join requests, seating, leaving, removal and
suspension. Refusals raise PermissionDenied or ValidationError and change nothing."""

import logging

import rules
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts import services as accounts
from portal.accounts.notifications import services as notifications
from portal.committees.choices import CommitteeRole, JoinRequestStatus, ModerationAction
from portal.committees.membership.models import CommitteeInvitation, JoinRequest
from portal.committees.membership.selectors import seat_of
from portal.committees.models import CommitteeMembership
from portal.committees.moderation import log

logger = logging.getLogger(__name__)


MEMBERSHIP = "committees.membership"
JOIN_REQUESTS = "committees.join_request"


def notify(*, recipient, subject, body, path="", kind=MEMBERSHIP, committee=None):
    """Tell a person something about their place in a committee (portal.accounts
    notifications, delivered as they chose). Naming the committee hides the notification
    from them if they can no longer read it. Callers build `subject` and `body` inside
    `portal_language()`."""
    notifications.notify(
        recipients=[recipient],
        kind=kind,
        title=subject,
        body=body,
        path=path,
        scope=committee_scope(committee) if committee is not None else "",
    )


def committee_scope(committee):
    return f"committee:{committee.pk}"


def portal_language():
    """E-mails are written in the portal's language (French), whoever triggered them."""
    return translation.override(settings.LANGUAGE_CODE)


def _require_manager(*, user, committee):
    if not user.has_perm("committees.manage_members", committee):
        raise PermissionDenied(_("Only the committee's coordinators can manage its members."))


def join_request_create(*, user, committee, message=""):
    """Ask to join a public or restricted committee."""
    if seat_of(user=user, committee=committee) is not None:
        raise ValidationError(_("You are already a member of this committee."), code="member")
    if not rules.test_rule("committees.ask_to_join", user, committee):
        raise PermissionDenied(_("This committee does not take requests to join."))
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(
                committee=committee, user=user, message=message.strip()[:1000]
            )
    except IntegrityError:
        raise ValidationError(
            _("You have already asked to join this committee; its coordinators will answer."),
            code="pending",
        ) from None
    with portal_language():
        subject = _("Request to join %(committee)s") % {"committee": committee.name}
        body = _("%(person)s asks to join the committee %(committee)s.") % {
            "person": user.display_name,
            "committee": committee.name,
        }
    for seat in CommitteeMembership.objects.filter(
        committee=committee, role=CommitteeRole.COORDINATOR
    ).select_related("user"):
        notify(
            recipient=seat.user,
            subject=subject,
            body=body,
            path=_manage_path(committee),
            kind=JOIN_REQUESTS,
            committee=committee,
        )
    return join_request


def _manage_path(committee):
    from django.urls import reverse

    return reverse("committees:members", args=[committee.slug])


def _decide(*, user, join_request, status):
    _require_manager(user=user, committee=join_request.committee)
    with transaction.atomic():
        updated = JoinRequest.objects.filter(
            pk=join_request.pk, status=JoinRequestStatus.PENDING
        ).update(status=status, decided_at=timezone.now(), decided_by=user)
        if not updated:
            raise ValidationError(_("This request has already been answered."), code="decided")
        join_request.refresh_from_db()
        if status == JoinRequestStatus.ACCEPTED:
            CommitteeMembership.objects.get_or_create(
                committee=join_request.committee, user=join_request.user
            )
    return join_request


def join_request_accept(*, user, join_request):
    join_request = _decide(user=user, join_request=join_request, status=JoinRequestStatus.ACCEPTED)
    committee = join_request.committee
    with portal_language():
        notify(
            recipient=join_request.user,
            subject=_("Welcome to %(committee)s") % {"committee": committee.name},
            body=_("Your request to join the committee %(committee)s was accepted.")
            % {"committee": committee.name},
            path=committee.get_absolute_url(),
            committee=committee,
        )
    return join_request


def join_request_refuse(*, user, join_request, reason=""):
    join_request = _decide(user=user, join_request=join_request, status=JoinRequestStatus.REFUSED)
    committee = join_request.committee
    with portal_language():
        body = _("Your request to join the committee %(committee)s was not accepted.") % {
            "committee": committee.name
        }
        if reason.strip():
            body += "\n\n" + _("Message from the coordinators:") + "\n" + reason.strip()
        notify(
            recipient=join_request.user,
            subject=_("Your request to join %(committee)s") % {"committee": committee.name},
            body=body,
            path=committee.get_absolute_url(),
        )
    return join_request


def member_seat(*, user, committee, person, role=CommitteeRole.MEMBER):
    """A coordinator seats an existing portal user on the committee."""
    _require_manager(user=user, committee=committee)
    if not person.is_active or person.deleted_at:
        raise ValidationError(_("This account is not active."), code="inactive")
    with transaction.atomic():
        seat, created = CommitteeMembership.objects.get_or_create(
            committee=committee, user=person, defaults={"role": role}
        )
        if not created:
            raise ValidationError(
                _("This person is already a member of the committee."), code="member"
            )
        # A pending request of theirs is answered by the seat.
        JoinRequest.objects.pending().filter(committee=committee, user=person).update(
            status=JoinRequestStatus.ACCEPTED, decided_at=timezone.now(), decided_by=user
        )
    with portal_language():
        notify(
            recipient=person,
            subject=_("You are a member of %(committee)s") % {"committee": committee.name},
            body=_("%(coordinator)s added you to the committee %(committee)s.")
            % {"coordinator": user.display_name, "committee": committee.name},
            path=committee.get_absolute_url(),
            committee=committee,
        )
    return seat


def _keeps_a_coordinator(seat):
    if not seat.is_coordinator:
        return True
    return (
        CommitteeMembership.objects.filter(
            committee_id=seat.committee_id, role=CommitteeRole.COORDINATOR
        )
        .exclude(pk=seat.pk)
        .exists()
    )


def _withdraw_registrations(*, user, committee):
    """The meetings of the committee the person may no longer see lose their registration."""
    from portal.committees.meetings.services import registrations_withdraw_unseen

    registrations_withdraw_unseen(user=user, committee=committee)


def membership_leave(*, user, committee):
    """A member leaves; the last coordinator cannot (the committee would have nobody to run it)."""
    seat = seat_of(user=user, committee=committee)
    if seat is None:
        raise ValidationError(_("You are not a member of this committee."), code="not_member")
    with transaction.atomic():
        if not _keeps_a_coordinator(seat):
            raise ValidationError(
                _("You are the committee's only coordinator: name another one before leaving."),
                code="last_coordinator",
            )
        seat.delete()
        _withdraw_registrations(user=user, committee=committee)
    committee.__dict__.pop("_seats", None)


def member_remove(*, user, seat):
    committee = seat.committee
    _require_manager(user=user, committee=committee)
    with transaction.atomic():
        if not _keeps_a_coordinator(seat):
            raise ValidationError(
                _("This is the committee's only coordinator: name another one first."),
                code="last_coordinator",
            )
        seat.delete()
        _withdraw_registrations(user=seat.user, committee=committee)
        log.record(
            committee=committee, actor=user, action=ModerationAction.REMOVE, person=seat.user
        )
    with portal_language():
        notify(
            recipient=seat.user,
            subject=_("You no longer sit on %(committee)s") % {"committee": committee.name},
            body=_("The coordinators removed you from the committee %(committee)s.")
            % {"committee": committee.name},
        )


def member_suspend(*, user, seat, until):
    """Suspend a member until a date: they still read, they cannot post."""
    committee = seat.committee
    _require_manager(user=user, committee=committee)
    if until <= timezone.now():
        raise ValidationError(_("The end of a suspension must be in the future."), code="past")
    if seat.user_id == user.pk:
        raise ValidationError(_("You cannot suspend yourself."), code="self")
    seat.suspended_until = until
    seat.save(update_fields=["suspended_until"])
    log.record(
        committee=committee,
        actor=user,
        action=ModerationAction.SUSPEND,
        person=seat.user,
        reason=_("until %(date)s") % {"date": f"{timezone.localtime(until):%d/%m/%Y}"},
    )
    with portal_language():
        notify(
            recipient=seat.user,
            subject=_("Suspended in %(committee)s") % {"committee": committee.name},
            body=_(
                "The coordinators of %(committee)s suspended you until %(date)s: you can read "
                "its forum but not write in it."
            )
            % {"committee": committee.name, "date": f"{timezone.localtime(until):%d/%m/%Y}"},
            path=committee.get_absolute_url(),
            committee=committee,
        )
    return seat


def member_reinstate(*, user, seat):
    _require_manager(user=user, committee=seat.committee)
    seat.suspended_until = None
    seat.save(update_fields=["suspended_until"])
    log.record(
        committee=seat.committee, actor=user, action=ModerationAction.REINSTATE, person=seat.user
    )
    return seat


def member_invite(*, user, committee, email, role=CommitteeRole.MEMBER):
    """A coordinator adds a person by e-mail: seated at once if they have an account,
    otherwise invited to create one (the portal's invitations), and seated when they accept.
    Returns the seat, or the invitation."""
    _require_manager(user=user, committee=committee)
    email = email.strip().lower()
    person = (
        get_user_model()
        .objects.filter(email__iexact=email, is_active=True, deleted_at__isnull=True)
        .first()
    )
    if person is not None:
        return member_seat(user=user, committee=committee, person=person, role=role)
    with portal_language():
        purpose = _("%(inviter)s invites you to the committee %(committee)s.") % {
            "inviter": user.display_name,
            "committee": committee.name,
        }
    with transaction.atomic():
        invitation = accounts.invitation_create(inviter=user, email=email, purpose=purpose)
        CommitteeInvitation.objects.create(committee=committee, invitation=invitation, role=role)
    return invitation


def seat_invited(*, invitation, user):
    """Accepting a committee's invitation seats the person (accounts' acceptance hook)."""
    for pending in CommitteeInvitation.objects.filter(invitation=invitation).select_related(
        "committee"
    ):
        CommitteeMembership.objects.get_or_create(
            committee=pending.committee, user=user, defaults={"role": pending.role}
        )
