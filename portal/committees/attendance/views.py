from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.committees.attendance import documents, selectors, services
from portal.committees.attendance.forms import WalkInForm
from portal.committees.attendance.models import WalkIn
from portal.committees.choices import CommitteeRole
from portal.committees.meetings.access import can_manage, managed_meeting, visible_meeting


def _file(content, *, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: never kept by a cache on the way.
    response["Cache-Control"] = "private, no-store"
    return response


def _can_record(meeting, user):
    try:
        services.check_recordable(meeting=meeting, user=user)
    except ValidationError as error:
        return False, " ".join(error.messages)
    return True, ""


@login_required
def attendance(request, pk):
    """The coordinators tick who came, and add those who came without a place."""
    meeting = managed_meeting(request, pk)
    walk_in_form = WalkInForm(prefix="walkin")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "mark":
                present = request.POST.getlist("present")
                if not all(
                    (value.isascii() and value.isdigit() and len(value) < 19) for value in present
                ):
                    raise ValidationError(_("The list sent is not valid: nothing was saved."))
                count = services.attendance_set(
                    meeting=meeting, user=request.user, present=[int(v) for v in present]
                )
                messages.success(
                    request, _("Attendance saved: %(count)s present.") % {"count": count}
                )
                return redirect("committees:meeting_attendance", meeting.pk)
            if action == "walk_in":
                walk_in_form = WalkInForm(request.POST, prefix="walkin")
                if walk_in_form.is_valid():
                    data = walk_in_form.cleaned_data
                    walk_in = services.walk_in_add(
                        meeting=meeting,
                        user=request.user,
                        name=data["name"],
                        organisation=data["organisation"],
                        person=data["person"],
                    )
                    messages.success(
                        request, _("%(name)s is recorded as present.") % {"name": walk_in.name}
                    )
                    return redirect("committees:meeting_attendance", meeting.pk)
            elif action == "remove":
                walk_in = WalkIn.objects.filter(
                    meeting=meeting, pk=_number(request.POST.get("walk_in"))
                ).first()
                if walk_in is None:
                    raise ValidationError(_("This person was not recorded at this meeting."))
                services.walk_in_remove(meeting=meeting, user=request.user, walk_in=walk_in)
                messages.success(request, _("%(name)s is removed.") % {"name": walk_in.name})
                return redirect("committees:meeting_attendance", meeting.pk)
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            if action == "walk_in" and hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    walk_in_form.add_error(field if field in walk_in_form.fields else None, errors)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("committees:meeting_attendance", meeting.pk)
    can_record, why_not = _can_record(meeting, request.user)
    places = selectors.places(meeting=meeting)
    walk_ins = selectors.walk_ins(meeting=meeting)
    return render(
        request,
        "committees/attendance/attendance.html",
        {
            "meeting": meeting,
            "places": places,
            "walk_ins": walk_ins,
            "present": sum(1 for r in places if r.attended) + len(walk_ins),
            "walk_in_form": walk_in_form,
            "can_record": can_record,
            "why_not": why_not,
        },
        status=400 if walk_in_form.is_bound and walk_in_form.errors else 200,
    )


def _number(value):
    return int(value) if value and (value.isascii() and value.isdigit() and len(value) < 19) else 0


@require_GET
@login_required
def attendance_csv(request, pk):
    meeting = managed_meeting(request, pk)
    rows = selectors.attendance_list(meeting=meeting)
    return _file(
        documents.attendance_csv(meeting=meeting, rows=rows),
        content_type="text/csv; charset=utf-8",
        filename=f"presences-rencontre-{meeting.pk}.csv",
    )


@require_GET
@login_required
def sign_in_sheet(request, pk):
    meeting = managed_meeting(request, pk)
    rows = selectors.attendance_list(meeting=meeting)
    return _file(
        documents.sign_in_sheet(meeting=meeting, rows=rows),
        content_type="application/pdf",
        filename=f"emargement-rencontre-{meeting.pk}.pdf",
    )


@require_GET
@login_required
def certificate(request, pk):
    """A participant's certificate; the coordinators may print anyone's who was present
    (`?inscription=<id>` or `?sur-place=<id>`), walk-ins without an account among them."""
    meeting = visible_meeting(request, pk)
    someone = {
        "registration_id": request.GET.get("inscription"),
        "walk_in_id": request.GET.get("sur-place"),
    }
    if any(value is not None for value in someone.values()):
        if not can_manage(request.user, meeting):
            raise PermissionDenied(
                _("Only the committee's coordinators print other people's certificates.")
            )
        holder = selectors.certificate_holder(
            meeting=meeting,
            **{key: _number(value) for key, value in someone.items() if value is not None},
        )
        refusal = _("Nobody was marked present at this meeting under this reference.")
    else:
        holder = selectors.certificate_holder(meeting=meeting, user=request.user)
        refusal = _("You were not marked present at this meeting: there is no certificate.")
    if holder is None or meeting.is_cancelled:
        raise PermissionDenied(refusal)
    coordinators = [
        str(seat.user)
        for seat in meeting.committee.memberships.filter(
            role=CommitteeRole.COORDINATOR
        ).select_related("user")
    ]
    return _file(
        documents.certificate(meeting=meeting, coordinators=coordinators, **holder),
        content_type="application/pdf",
        filename=f"attestation-rencontre-{meeting.pk}.pdf",
    )
