"""Recording who attended a meeting: the coordinators tick the people who held a place and
add those who came without registering (walk-ins)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.committees.attendance.models import WalkIn
from portal.committees.attendance.selectors import organisations_of
from portal.committees.meetings.access import can_manage
from portal.committees.meetings.models import HOLDING, Meeting

NAME_LENGTH = WalkIn._meta.get_field("name").max_length


def check_recordable(*, meeting, user):
    """Refuse whoever does not organise the meeting, and a meeting whose attendance cannot be
    recorded (cancelled, or not yet its day)."""
    if not can_manage(user, meeting):
        raise PermissionDenied(_("Only the committee's coordinators record attendance."))
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled: there is no attendance to record."))
    if timezone.localdate(meeting.starts_at) > timezone.localdate():
        raise ValidationError(_("Attendance is recorded from the day of the meeting."))


def _locked(meeting):
    return Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)


@transaction.atomic
def attendance_set(*, meeting, user, present):
    """Mark present the registrations whose ids are in `present`, and absent the other
    places held. An id that is not a place held at this meeting refuses the whole list.
    Returns how many people are marked present."""
    check_recordable(meeting=meeting, user=user)
    meeting = _locked(meeting)
    holding = meeting.registrations.filter(status__in=HOLDING)
    wanted = set(present)
    known = set(holding.filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - known:
        raise ValidationError(
            _("Some of the people ticked do not hold a place at this meeting: nothing was saved.")
        )
    holding.filter(pk__in=known).exclude(attended=True).update(attended=True)
    holding.exclude(pk__in=known).exclude(attended=False).update(attended=False)
    return len(known)


@transaction.atomic
def walk_in_add(*, meeting, user, name="", organisation="", person=None):
    """Record someone who came without a place: a name (and organisation), or a portal
    member, whose name and organisations are taken from their account."""
    check_recordable(meeting=meeting, user=user)
    meeting = _locked(meeting)
    if person is not None:
        if meeting.registrations.filter(user=person, status__in=HOLDING).exists():
            raise ValidationError(
                _("%(person)s holds a place: tick them in the list of registrations.")
                % {"person": person}
            )
        if meeting.walk_ins.filter(user=person).exists():
            raise ValidationError(
                _("%(person)s is already recorded as present.") % {"person": person}
            )
        name = str(person)
        organisation = organisations_of(person)
    name, organisation = " ".join(name.split()), " ".join(organisation.split())
    if not name:
        raise ValidationError({"name": _("Give the name of the person who came.")})
    if len(name) > NAME_LENGTH:
        raise ValidationError({"name": _("A name has at most 200 characters.")})
    if person is None and len(organisation) > NAME_LENGTH:
        raise ValidationError(
            {"organisation": _("An organisation's name has at most 200 characters.")}
        )
    return WalkIn.objects.create(
        meeting=meeting,
        name=name,
        organisation=organisation[:NAME_LENGTH],
        user=person,
        recorded_by=user,
    )


@transaction.atomic
def walk_in_remove(*, meeting, user, walk_in):
    """Take back a walk-in recorded by mistake."""
    check_recordable(meeting=meeting, user=user)
    if walk_in.meeting_id != meeting.pk:
        raise ValidationError(_("This person was not recorded at this meeting."))
    walk_in.delete()
