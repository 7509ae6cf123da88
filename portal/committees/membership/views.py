import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.committees import selectors as committee_selectors
from portal.committees.membership import selectors, services
from portal.committees.membership.forms import JoinRequestForm, RefuseForm, SeatForm, SuspendForm
from portal.committees.membership.models import JoinRequest
from portal.committees.models import Committee, CommitteeMembership


def committee_or_404(request, slug):
    """The committee, when `request.user` may know of it; 404 otherwise, as for a missing one."""
    try:
        return committee_selectors.committee_for_reading(user=request.user, slug=slug)
    except Committee.DoesNotExist:
        raise Http404 from None


def _refusal(request, error):
    for text in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, text)


@login_required
def join(request, slug):
    committee = committee_or_404(request, slug)
    if selectors.seat_of(user=request.user, committee=committee) is not None:
        messages.info(request, _("You are already a member of this committee."))
        return redirect(committee)
    if not rules.test_rule("committees.ask_to_join", request.user, committee):
        raise PermissionDenied(_("This committee does not take requests to join."))
    pending = selectors.pending_request_of(user=request.user, committee=committee)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_create(
                user=request.user, committee=committee, message=form.cleaned_data["message"]
            )
        except (ValidationError, PermissionDenied) as error:
            _refusal(request, error)
            return redirect(committee)
        messages.success(
            request, _("Your request was sent to the coordinators; you will be told by e-mail.")
        )
        return redirect(committee)
    return render(
        request,
        "committees/membership/join.html",
        {"committee": committee, "form": form, "pending": pending},
    )


@login_required
@require_POST
def leave(request, slug):
    committee = committee_or_404(request, slug)
    try:
        services.membership_leave(user=request.user, committee=committee)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("You left the committee."))
    return redirect(committee)


def _manager_or_403(request, slug):
    committee = committee_or_404(request, slug)
    if not request.user.has_perm("committees.manage_members", committee):
        raise PermissionDenied(_("Only the committee's coordinators can manage its members."))
    return committee


@login_required
def members(request, slug):
    committee = _manager_or_403(request, slug)
    return render(
        request,
        "committees/membership/manage.html",
        {
            "committee": committee,
            "requests": selectors.pending_requests(committee=committee),
            "members": selectors.members_with_organisations(committee=committee),
            "seat_form": SeatForm(),
            "refuse_form": RefuseForm(),
            "suspend_form": SuspendForm(),
        },
    )


@login_required
@require_POST
def request_decide(request, slug, pk, action):
    committee = _manager_or_403(request, slug)
    if action not in ("accepter", "refuser"):
        raise Http404
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user", "committee"), pk=pk, committee=committee
    )
    try:
        if action == "accepter":
            services.join_request_accept(user=request.user, join_request=join_request)
            messages.success(
                request,
                _("%(person)s is now a member.") % {"person": join_request.user.display_name},
            )
        else:
            form = RefuseForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.join_request_refuse(
                user=request.user, join_request=join_request, reason=reason
            )
            messages.success(request, _("The request was refused; the person is told."))
    except ValidationError as error:
        _refusal(request, error)
    return redirect("committees:members", slug=committee.slug)


@login_required
@require_POST
def seat(request, slug):
    committee = _manager_or_403(request, slug)
    form = SeatForm(request.POST)
    if form.is_valid():
        try:
            added = services.member_invite(
                user=request.user, committee=committee, email=form.cleaned_data["email"]
            )
        except ValidationError as error:
            _refusal(request, error)
        else:
            if isinstance(added, CommitteeMembership):
                text = _("%(person)s is now a member.") % {"person": added.user.display_name}
            else:
                text = _("An invitation was sent to %(email)s.") % {"email": added.email}
            messages.success(request, text)
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return redirect("committees:members", slug=committee.slug)


@login_required
@require_POST
def member_change(request, slug, pk, action):
    committee = _manager_or_403(request, slug)
    seat = get_object_or_404(
        CommitteeMembership.objects.select_related("user", "committee"), pk=pk, committee=committee
    )
    try:
        if action == "retirer":
            services.member_remove(user=request.user, seat=seat)
            messages.success(request, _("The member was removed from the committee."))
        elif action == "suspendre":
            form = SuspendForm(request.POST)
            if not form.is_valid():
                raise ValidationError([text for errors in form.errors.values() for text in errors])
            services.member_suspend(user=request.user, seat=seat, until=form.until_moment())
            messages.success(request, _("The member is suspended."))
        elif action == "retablir":
            services.member_reinstate(user=request.user, seat=seat)
            messages.success(request, _("The suspension is lifted."))
        else:
            raise Http404
    except ValidationError as error:
        _refusal(request, error)
    return redirect("committees:members", slug=committee.slug)
