from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.committees import selectors as committee_selectors
from portal.committees.choices import RegistrationStatus
from portal.committees.meetings import places, selectors, services
from portal.committees.meetings.access import can_manage, managed_meeting, visible_meeting
from portal.committees.meetings.forms import (
    AgendaFilterForm,
    AgendaFormSet,
    AnswerForm,
    CapacityForm,
    MeetingForm,
    RegisterSomeoneForm,
    ReopenForm,
    agenda_from,
    agenda_initial,
)
from portal.committees.models import Committee

PAGE_SIZE = 20


def agenda(request):
    """The regional agenda: every meeting the person may see, filtered by committee,
    territory and month."""
    committees, territories = selectors.agenda_filters(user=request.user)
    form = AgendaFilterForm(request.GET or None, committees=committees, territories=territories)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["comite"]:
            filters["committee"] = next(c for c in committees if c.slug == data["comite"])
        if data["territoire"]:
            from territories.geography.selectors import territory_ancestor_ids

            level, code = data["territoire"].split(":", 1)
            territory = next(t for t in territories if (t.level, t.code) == (level, code))
            filters["territory_ids"] = territory_ancestor_ids(territory=territory)
        filters["month"] = data["mois"]
        filters["past"] = data["passees"]
    page = Paginator(selectors.agenda(user=request.user, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "committees/meetings/agenda.html",
        {"form": form, "page": page, "query": query.urlencode(), "past": filters.get("past")},
    )


def meeting_detail(request, pk):
    meeting = visible_meeting(request, pk)
    registration = selectors.registration_of(meeting=meeting, user=request.user)
    held, waiting = selectors.meeting_places(meeting)
    manage = can_manage(request.user, meeting)
    free = None if meeting.capacity is None else max(meeting.capacity - held, 0)
    registration_open = meeting.registration_is_open()
    context = {
        "meeting": meeting,
        "committee": meeting.committee,
        "agenda_items": list(meeting.agenda_items.all()),
        "holds_place": registration is not None and registration.holds_place,
        # The online link: for the people registered (an offered place is not yet taken).
        "sees_link": manage
        or (registration is not None and registration.status == RegistrationStatus.REGISTERED),
        "can_manage": manage,
        "held": held,
        "waiting": waiting,
        "free": free,
        "registration_open": registration_open,
        # The reader's own place: a personal part of the kept page (places.py).
        "place_key": places.place_key(meeting, free=free, registration_open=registration_open),
        **places.place_context(meeting, registration),
    }
    return render(request, "committees/meetings/detail.html", context)


def _committee_managed(request, slug):
    try:
        committee = committee_selectors.committee_for_reading(user=request.user, slug=slug)
    except Committee.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm("committees.manage_meetings", committee):
        raise PermissionDenied(_("Only the committee's coordinators organise its meetings."))
    return committee


def _save_meeting(request, committee, *, meeting=None):
    form = MeetingForm(request.POST or None, instance=meeting, committee=committee)
    initial = agenda_initial(meeting) if meeting is not None else None
    formset = AgendaFormSet(request.POST or None, initial=initial, prefix="agenda")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields, items = form.fields_for_service(), agenda_from(formset)
        try:
            if meeting is None:
                meeting = services.meeting_create(
                    committee=committee, user=request.user, fields=fields, agenda=items
                )
                messages.success(request, _("The meeting is announced."))
            else:
                meeting = services.meeting_update(
                    meeting=meeting, user=request.user, fields=fields, agenda=items
                )
                messages.success(request, _("The meeting is changed."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(meeting)
    return render(
        request,
        "committees/meetings/meeting_form.html",
        {"form": form, "formset": formset, "committee": committee, "meeting": meeting},
    )


@login_required
def meeting_create(request, slug):
    return _save_meeting(request, _committee_managed(request, slug))


@login_required
def meeting_update(request, pk):
    meeting = managed_meeting(request, pk)
    if meeting.is_cancelled:
        messages.error(request, _("This meeting was cancelled; it can no longer change."))
        return redirect(meeting)
    return _save_meeting(request, meeting.committee, meeting=meeting)


@login_required
def meeting_cancel(request, pk):
    meeting = managed_meeting(request, pk)
    if request.method == "POST":
        try:
            services.meeting_cancel(meeting=meeting, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The meeting is cancelled; the people registered are told.")
            )
        return redirect(meeting)
    return render(request, "committees/meetings/cancel.html", {"meeting": meeting})


def _act(request, meeting, action, success):
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    if success:
        messages.success(request, success(result) if callable(success) else success)
    return result


def _registered_message(registration):
    if registration.status == RegistrationStatus.WAITING:
        return _("The meeting is full: you are on the waiting list (position %(position)s).") % {
            "position": services.waiting_position(registration)
        }
    return _("You are registered.")


@require_POST
@login_required
def register(request, pk):
    meeting = visible_meeting(request, pk)
    _act(
        request,
        meeting,
        lambda: services.register(meeting=meeting, user=request.user),
        _registered_message,
    )
    return redirect(meeting)


@require_POST
@login_required
def unregister(request, pk):
    meeting = visible_meeting(request, pk)
    registration_id = request.POST.get("registration")
    if registration_id and (
        registration_id.isascii() and registration_id.isdigit() and len(registration_id) < 19
    ):
        # A coordinator cancelling someone's registration.
        registration = meeting.registrations.filter(pk=registration_id).first()
        target = "committees:meeting_registrations"
    else:
        registration = selectors.registration_of(meeting=meeting, user=request.user)
        target = None
    if registration is None:
        raise Http404
    _act(
        request,
        meeting,
        lambda: services.unregister(registration=registration, by=request.user),
        _("The registration is cancelled."),
    )
    return redirect(target, meeting.pk) if target else redirect(meeting)


@require_POST
@login_required
def confirm(request, pk):
    meeting = visible_meeting(request, pk)
    registration = selectors.registration_of(meeting=meeting, user=request.user)
    if registration is None:
        raise Http404
    form = AnswerForm(request.POST, question=meeting.question)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("answer", [])))
        return redirect(meeting)
    was_offered = registration.status == RegistrationStatus.OFFERED
    _act(
        request,
        meeting,
        lambda: services.confirm(
            registration=registration, user=request.user, answer=form.cleaned_data["answer"]
        ),
        _("Your place is confirmed.") if was_offered else _("Your answer is saved."),
    )
    return redirect(meeting)


@login_required
def registrations(request, pk):
    """The coordinators' view of a meeting's places: who holds one, who waits; register
    someone, change the capacity, reopen registration."""
    meeting = managed_meeting(request, pk)
    someone = RegisterSomeoneForm(prefix="someone")
    capacity = CapacityForm(prefix="capacity", initial={"capacity": meeting.capacity})
    reopen = ReopenForm(prefix="reopen")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "someone":
            someone = RegisterSomeoneForm(request.POST, prefix="someone")
            if someone.is_valid():
                person = (
                    get_user_model()
                    .objects.filter(email__iexact=someone.cleaned_data["email"], is_active=True)
                    .first()
                )
                if person is None:
                    someone.add_error("email", _("Nobody has an account with this address."))
                elif _act(
                    request,
                    meeting,
                    lambda: services.register(meeting=meeting, user=person, by=request.user),
                    _("%(person)s is registered.") % {"person": person},
                ):
                    return redirect("committees:meeting_registrations", meeting.pk)
        elif action == "capacity":
            capacity = CapacityForm(request.POST, prefix="capacity")
            if capacity.is_valid():
                try:
                    services.capacity_set(
                        meeting=meeting,
                        user=request.user,
                        capacity=capacity.cleaned_data["capacity"],
                    )
                except ValidationError as error:
                    capacity.add_error(None, error.messages)
                else:
                    messages.success(request, _("The capacity is changed."))
                    return redirect("committees:meeting_registrations", meeting.pk)
        elif action == "reopen":
            reopen = ReopenForm(request.POST, prefix="reopen")
            if reopen.is_valid():
                try:
                    services.registration_reopen(
                        meeting=meeting,
                        user=request.user,
                        closes_at=reopen.cleaned_data["closes_at"],
                    )
                except ValidationError as error:
                    reopen.add_error(None, error.messages)
                else:
                    messages.success(request, _("Registration is open again."))
                    return redirect("committees:meeting_registrations", meeting.pk)
        else:
            messages.error(request, _("Unknown action."))
    rows = list(selectors.registrations_for_coordinators(meeting=meeting))
    held, waiting = selectors.meeting_places(meeting)
    return render(
        request,
        "committees/meetings/registrations.html",
        {
            "meeting": meeting,
            "holding": [r for r in rows if r.holds_place],
            "queue": sorted(
                (r for r in rows if r.status == RegistrationStatus.WAITING),
                key=lambda r: (r.queued_at, r.pk),
            ),
            "history": [r for r in rows if r.status not in services.ACTIVE],
            "held": held,
            "waiting": waiting,
            "someone_form": someone,
            "capacity_form": capacity,
            "reopen_form": reopen,
            "registration_open": meeting.registration_is_open(),
        },
    )
