from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.committees.meetings.access import managed_meeting, visible_meeting
from portal.committees.minutes import services
from portal.committees.minutes.forms import CapitaliseForm, ItemFormSet, MinutesForm, items_initial
from portal.committees.minutes.models import Minutes, MinutesItem


def _members(committee):
    return (
        get_user_model()
        .objects.filter(committee_memberships__committee=committee, is_active=True)
        .order_by("full_name", "email")
    )


@login_required
def minutes_edit(request, pk):
    """The coordinators write the minutes: text, decisions and actions; save the draft or
    make it final (the people present are told)."""
    meeting = managed_meeting(request, pk)
    minutes = Minutes.objects.filter(meeting=meeting).prefetch_related("items").first()
    members = _members(meeting.committee)
    data = request.POST if request.method == "POST" else None
    form = MinutesForm(data, initial={"body": minutes.body if minutes else ""})
    # Bound, the lines are compared with nothing: a line emptied is a line removed.
    initial = None if data is not None else items_initial(minutes)
    formset = ItemFormSet(data, initial=initial, prefix="items", members=members)
    status = 200
    if request.method == "POST":
        finalise = "finalise" in request.POST
        if form.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():
                    services.minutes_save(
                        meeting=meeting,
                        user=request.user,
                        body=form.cleaned_data["body"],
                        items=formset.items(),
                    )
                    if finalise:
                        services.minutes_finalise(meeting=meeting, user=request.user)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                if finalise:
                    messages.success(
                        request, _("The minutes are final; the people present are told.")
                    )
                    return redirect(f"{meeting.get_absolute_url()}#minutes")
                messages.success(request, _("The draft is saved."))
                return redirect("committees:minutes_edit", meeting.pk)
        status = 400
    return render(
        request,
        "committees/minutes/edit.html",
        {"meeting": meeting, "minutes": minutes, "form": form, "formset": formset},
        status=status,
    )


@login_required
def minutes_capitalise(request, pk):
    """Final minutes become a meeting report of the knowledge base, submitted for review."""
    meeting = managed_meeting(request, pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None or not minutes.is_final:
        messages.error(request, _("Only final minutes become a resource of the knowledge base."))
        return redirect(meeting)
    if meeting.report_id is not None:
        messages.error(request, _("These minutes are already in the knowledge base."))
        return redirect(meeting)
    form = CapitaliseForm(request.POST or None, user=request.user, meeting=meeting)
    status = 200
    if request.method == "POST":
        if form.has_organisation and form.is_valid():
            try:
                resource = services.minutes_capitalise(
                    meeting=meeting, user=request.user, **form.service_arguments()
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request,
                    _("The minutes are submitted to the curators; they will publish them."),
                )
                return redirect(resource.get_absolute_url())
        status = 400
    return render(
        request,
        "committees/minutes/capitalise.html",
        {"meeting": meeting, "minutes": minutes, "form": form},
        status=status,
    )


@require_POST
@login_required
def action_done(request, pk, item):
    """Mark an action done (a coordinator, or its person responsible)."""
    meeting = visible_meeting(request, pk)
    action = (
        MinutesItem.objects.filter(pk=item, minutes__meeting=meeting)
        .select_related("minutes__meeting__committee")
        .first()
    )
    if action is None:
        raise Http404
    try:
        services.action_done(item=action, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The action is marked done."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(f"{meeting.get_absolute_url()}#minutes")
