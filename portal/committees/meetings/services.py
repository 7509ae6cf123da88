"""Organising a meeting and taking places at it.

A place is held by a registration that is REGISTERED or OFFERED. Past capacity, people wait
in the order they asked; a freed place is offered to the first waiting person, who confirms
within the meeting's delay (offer_hours) or lets it pass to the next. Every change of places
locks the meeting's row first (SELECT … FOR UPDATE on PostgreSQL), so that concurrent
requests never hold more places than the capacity.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.notifications import services as notifications
from portal.committees.calendars import notices
from portal.committees.choices import (
    CommitteeAccess,
    MeetingMode,
    MeetingStatus,
    MeetingVisibility,
    RegistrationStatus,
)
from portal.committees.meetings import texts
from portal.committees.meetings.access import can_manage
from portal.committees.meetings.models import ACTIVE, HOLDING, AgendaItem, Meeting, Registration
from portal.committees.meetings.scopes import MEETINGS, meeting_scope
from portal.knowledge.markdown import markdown_to_html

MAX_CAPACITY = 100_000
# The fields whose change people holding a place must hear of (and their calendars follow).
NOTICED_FIELDS = ("title", "starts_at", "ends_at", "mode", "address", "online_url")


def check_meeting(meeting):
    """Refuse what a meeting cannot be, whoever asks: raises ValidationError."""
    errors = {}
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    if meeting.mode in (MeetingMode.IN_PERSON, MeetingMode.HYBRID) and not meeting.address:
        errors["address"] = _("Give the address of a meeting held in person.")
    if meeting.mode in (MeetingMode.ONLINE, MeetingMode.HYBRID) and not meeting.online_url:
        errors["online_url"] = _("Give the link of a meeting held online.")
    access = meeting.committee.access
    if meeting.visibility == MeetingVisibility.PUBLIC and access != CommitteeAccess.PUBLIC:
        errors["visibility"] = _("Only a public committee's meetings can be public.")
    if meeting.visibility == MeetingVisibility.LOGGED_IN and access == CommitteeAccess.PRIVATE:
        errors["visibility"] = _("A private committee's meetings are for its members only.")
    opens, closes = meeting.registration_opens_at, meeting.registration_closes_at
    if opens and closes and closes <= opens:
        errors["registration_closes_at"] = _("Registration must close after it opens.")
    if closes and meeting.starts_at and closes > meeting.starts_at:
        errors["registration_closes_at"] = _("Registration must close before the meeting starts.")
    if meeting.capacity is not None and not 1 <= meeting.capacity <= MAX_CAPACITY:
        errors["capacity"] = _("Between 1 and %(max)s places, or empty for no limit.") % {
            "max": MAX_CAPACITY
        }
    if any(not isinstance(m, int) or m <= 0 for m in meeting.reminders or []):
        errors["reminders"] = _("Reminders are whole numbers of minutes before the start.")
    if errors:
        raise ValidationError(errors)


def _agenda_set(meeting, agenda):
    meeting.agenda_items.all().delete()
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=position, **item)
        for position, item in enumerate(agenda)
    )


@transaction.atomic
def meeting_create(*, committee, user, fields, agenda=()):
    """A coordinator announces a meeting: `fields` are Meeting's, `agenda` a sequence of
    {title, duration_minutes, speaker}."""
    if not user.has_perm("committees.manage_meetings", committee):
        raise PermissionDenied(_("Only the committee's coordinators organise its meetings."))
    meeting = Meeting(committee=committee, created_by=user, **fields)
    check_meeting(meeting)
    meeting.description_html = markdown_to_html(meeting.description)
    meeting.save()
    _agenda_set(meeting, agenda)
    return meeting


@transaction.atomic
def meeting_update(*, meeting, user, fields, agenda=None):
    """Change a meeting; people holding a place or waiting are told of a change of time,
    place or link, and their calendars follow (SEQUENCE)."""
    if not can_manage(user, meeting):
        raise PermissionDenied(_("Only the committee's coordinators organise its meetings."))
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled; it can no longer change."))
    meeting = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    before = {name: getattr(meeting, name) for name in NOTICED_FIELDS}
    capacity = fields.pop("capacity", meeting.capacity)
    for name, value in fields.items():
        setattr(meeting, name, value)
    check_meeting(meeting)
    meeting.description_html = markdown_to_html(meeting.description)
    meeting.updated_at = timezone.now()
    meeting.save()
    if agenda is not None:
        _agenda_set(meeting, agenda)
    _capacity_apply(meeting, capacity)
    if meeting.starts_at != before["starts_at"]:
        # The reminders count from the new start; an offer never outlives it.
        meeting.sent_reminders.all().delete()
        meeting.registrations.filter(
            status=RegistrationStatus.OFFERED, offer_expires_at__gt=meeting.starts_at
        ).update(offer_expires_at=meeting.starts_at)
    if any(getattr(meeting, name) != value for name, value in before.items()):
        notices.meeting_changed(meeting=meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting, user):
    if not can_manage(user, meeting):
        raise PermissionDenied(_("Only the committee's coordinators organise its meetings."))
    meeting = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is already cancelled."))
    if meeting.is_past:
        raise ValidationError(_("This meeting took place; it cannot be cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.updated_at = timezone.now()
    meeting.save(update_fields=["status", "updated_at"])
    notices.meeting_changed(meeting=meeting, cancelled=True)
    return meeting


def _locked(meeting):
    return Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)


def held_places(meeting):
    return meeting.registrations.filter(status__in=HOLDING).count()


def active_registration(*, meeting, user):
    if not user.is_authenticated:
        return None
    return meeting.registrations.filter(user=user, status__in=ACTIVE).first()


def waiting_position(registration):
    """1 for the first person waiting."""
    return (
        registration.meeting.registrations.filter(
            status=RegistrationStatus.WAITING, queued_at__lte=registration.queued_at
        )
        .exclude(queued_at=registration.queued_at, pk__gt=registration.pk)
        .count()
    )


@transaction.atomic
def register(*, meeting, user, by=None):
    """Take a place at the meeting for `user` (or join its waiting list when it is full).

    `by` is the coordinator registering someone else; they may do so after registration
    closed, never beyond capacity. Returns the registration.
    """
    by = by or user
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Log in to register."))
    if by.pk != user.pk and not can_manage(by, meeting):
        raise PermissionDenied(_("Only the committee's coordinators register other people."))
    meeting = _locked(meeting)
    if not Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists():
        if by.pk == user.pk:
            raise PermissionDenied(_("You cannot register for this meeting."))
        raise ValidationError(_("This person cannot see this meeting: they cannot be registered."))
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled."))
    if meeting.starts_at <= timezone.now():
        raise ValidationError(_("This meeting has started: registration is over."))
    if by.pk == user.pk and not meeting.registration_is_open():
        raise ValidationError(_("Registration for this meeting is closed."))
    if meeting.registrations.filter(user=user, status__in=ACTIVE).exists():
        if by.pk == user.pk:
            raise ValidationError(_("You are already registered for this meeting."))
        raise ValidationError(_("This person is already registered for this meeting."))
    full = meeting.capacity is not None and held_places(meeting) >= meeting.capacity
    registration = Registration.objects.create(
        meeting=meeting,
        user=user,
        status=RegistrationStatus.WAITING if full else RegistrationStatus.REGISTERED,
        registered_by=by if by.pk != user.pk else None,
    )
    if not full:
        notices.registration_confirmed(registration=registration)
        notices.capacity_check(meeting=meeting)
    return registration


@transaction.atomic
def unregister(*, registration, by):
    """Cancel a registration (one's own, or as a coordinator); a freed place goes to the
    first person waiting. The answer to the meeting's question is forgotten."""
    meeting = _locked(registration.meeting)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.user_id != by.pk and not can_manage(by, meeting):
        raise PermissionDenied(_("You can only cancel your own registration."))
    if registration.status not in ACTIVE:
        raise ValidationError(_("This registration is no longer active."))
    if meeting.ends_at <= timezone.now():
        raise ValidationError(_("This meeting is over: its registrations no longer change."))
    freed = registration.holds_place
    _withdraw([registration])
    if freed:
        offer_free_places(meeting=meeting)
        notices.capacity_check(meeting=meeting)
    return registration


def _withdraw(registrations):
    """Cancel registrations (given up, or whose person may no longer see their meeting):
    their answers are forgotten."""
    for registration in registrations:
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.answer = ""
        registration.offer_expires_at = None
        registration.save(update_fields=["status", "cancelled_at", "answer", "offer_expires_at"])


def _still_sees(meeting, user):
    return user.is_active and Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists()


def offer_free_places(*, meeting, now=None):
    """Offer each free place to the next person waiting who may still see the meeting (the
    meeting's row is locked by the caller); those who no longer may are taken off the list.
    Returns the registrations offered a place."""
    now = now or timezone.now()
    if meeting.is_cancelled or meeting.starts_at <= now:
        return []
    queue = meeting.registrations.filter(status=RegistrationStatus.WAITING).order_by(
        "queued_at", "id"
    )
    free = None if meeting.capacity is None else meeting.capacity - held_places(meeting)
    chosen, gone = [], []
    for registration in queue.select_related("user"):
        if free is not None and len(chosen) >= free:
            break
        (chosen if _still_sees(meeting, registration.user) else gone).append(registration)
    _withdraw(gone)
    # An offer never outlives the meeting's start.
    expires = min(now + timedelta(hours=meeting.offer_hours), meeting.starts_at)
    for registration in chosen:
        registration.status = RegistrationStatus.OFFERED
        registration.offer_expires_at = expires
        registration.save(update_fields=["status", "offer_expires_at"])
        _tell_offered(registration)
    return chosen


def _tell_offered(registration):
    meeting = registration.meeting
    deadline = timezone.localtime(registration.offer_expires_at)
    with notifications.portal_language():
        notifications.notify(
            recipients=[registration.user],
            kind=MEETINGS,
            title=_("A place is free for you: %(title)s") % {"title": meeting.title},
            body=_(
                "A place freed up at this meeting. Confirm it before %(deadline)s, or it will "
                "be offered to the next person waiting.\n\n%(summary)s"
            )
            % {
                "deadline": f"{deadline:%d/%m/%Y %H:%M}",
                "summary": texts.summary(meeting, with_link=False),
            },
            path=meeting.get_absolute_url(),
            scope=meeting_scope(meeting),
        )


@transaction.atomic
def confirm(*, registration, user, answer=""):
    """The person offered a place takes it (and may answer the meeting's question); a person
    holding a place may change their answer."""
    meeting = _locked(registration.meeting)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.user_id != user.pk:
        raise PermissionDenied(_("This is not your registration."))
    answer = (answer or "").strip()
    if len(answer) > 500:
        raise ValidationError({"answer": _("Answer in 500 characters at most.")})
    if registration.status == RegistrationStatus.REGISTERED:
        registration.answer = answer if meeting.question else ""
        registration.save(update_fields=["answer"])
        return registration
    if registration.status != RegistrationStatus.OFFERED:
        raise ValidationError(_("No place is offered to you for this meeting."))
    if registration.offer_expires_at <= timezone.now() or meeting.starts_at <= timezone.now():
        raise ValidationError(_("This offer has expired; the place went to the next person."))
    registration.status = RegistrationStatus.REGISTERED
    registration.offer_expires_at = None
    registration.answer = answer if meeting.question else ""
    registration.save(update_fields=["status", "offer_expires_at", "answer"])
    notices.registration_confirmed(registration=registration)
    notices.capacity_check(meeting=meeting)
    return registration


def _capacity_apply(meeting, capacity):
    """Change the capacity of a locked meeting: never below the places held; raising it
    offers the new places to the people waiting, in order."""
    if capacity == meeting.capacity:
        return
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationError(
            {
                "capacity": _("Between 1 and %(max)s places, or empty for no limit.")
                % {"max": MAX_CAPACITY}
            }
        )
    held = held_places(meeting)
    if capacity is not None and capacity < held:
        raise ValidationError(
            {
                "capacity": _("%(held)s places are already held: the capacity cannot be lower.")
                % {"held": held}
            }
        )
    meeting.capacity = capacity
    meeting.save(update_fields=["capacity"])
    offer_free_places(meeting=meeting)
    notices.capacity_check(meeting=meeting)


@transaction.atomic
def capacity_set(*, meeting, user, capacity):
    if not can_manage(user, meeting):
        raise PermissionDenied(_("Only the committee's coordinators organise its meetings."))
    meeting = _locked(meeting)
    _capacity_apply(meeting, capacity)
    return meeting


@transaction.atomic
def registration_reopen(*, meeting, user, closes_at=None):
    """Open registration again, until `closes_at` (before the start) or the start."""
    if not can_manage(user, meeting):
        raise PermissionDenied(_("Only the committee's coordinators organise its meetings."))
    meeting = _locked(meeting)
    now = timezone.now()
    if meeting.is_cancelled or meeting.starts_at <= now:
        raise ValidationError(_("Registration cannot reopen for a meeting cancelled or started."))
    if closes_at is not None and not (now < closes_at <= meeting.starts_at):
        raise ValidationError(
            {"closes_at": _("Choose a closing time between now and the meeting's start.")}
        )
    meeting.registration_closes_at = closes_at
    if meeting.registration_opens_at and meeting.registration_opens_at > now:
        meeting.registration_opens_at = now
    meeting.save(update_fields=["registration_closes_at", "registration_opens_at"])
    return meeting


def registrations_withdraw_unseen(*, user, committee=None, every=False):
    """After `user` left or was removed from `committee`, cancel their active registrations
    to its upcoming meetings they may no longer see (`every`: all of them, wherever, for an
    account deleted); the places they held go to the people waiting."""
    active = Registration.objects.filter(
        user=user, status__in=ACTIVE, meeting__ends_at__gt=timezone.now()
    )
    if committee is not None:
        active = active.filter(meeting__committee=committee)
    for meeting_id in set(active.values_list("meeting_id", flat=True)):
        with transaction.atomic():
            meeting = Meeting.objects.select_for_update().select_related("committee")
            meeting = meeting.get(pk=meeting_id)
            if not every and _still_sees(meeting, user):
                continue
            registrations = list(meeting.registrations.filter(user=user, status__in=ACTIVE))
            freed = any(r.holds_place for r in registrations)
            _withdraw(registrations)
            if freed:
                offer_free_places(meeting=meeting)
                notices.capacity_check(meeting=meeting)


def forget_person(*, user):
    """Account deletion (portal.accounts' hook): every active registration is cancelled and
    every answer forgotten, attendance records aside."""
    registrations_withdraw_unseen(user=user, every=True)
    Registration.objects.filter(user=user).exclude(answer="").update(answer="")


def offers_expire(*, now=None):
    """Offers not confirmed in time pass to the next person waiting (Celery beat). Returns
    how many offers expired."""
    now = now or timezone.now()
    meeting_ids = set(
        Registration.objects.filter(
            status=RegistrationStatus.OFFERED, offer_expires_at__lte=now
        ).values_list("meeting_id", flat=True)
    )
    expired = 0
    for meeting_id in meeting_ids:
        with transaction.atomic():
            meeting = Meeting.objects.select_for_update().select_related("committee")
            meeting = meeting.get(pk=meeting_id)
            expired += meeting.registrations.filter(
                status=RegistrationStatus.OFFERED, offer_expires_at__lte=now
            ).update(status=RegistrationStatus.EXPIRED, offer_expires_at=None)
            offer_free_places(meeting=meeting, now=now)
    return expired
