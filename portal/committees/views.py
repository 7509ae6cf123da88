import rules
from django.http import Http404
from django.shortcuts import render

from portal.committees import selectors
from portal.committees.forums.selectors import latest_threads
from portal.committees.membership.selectors import (
    members_with_organisations,
    pending_request_of,
    seat_of,
)
from portal.committees.models import Committee
from portal.knowledge.resources.selectors import resources_for_committee


def committee_list(request):
    committees = selectors.committees_for_directory(user=request.user)
    return render(request, "committees/committee_list.html", {"committees": committees})


def committee_detail(request, slug):
    try:
        committee = selectors.committee_for_reading(user=request.user, slug=slug)
    except Committee.DoesNotExist:
        raise Http404 from None
    can_see_members = selectors.can_see_members(user=request.user, committee=committee)
    seat = seat_of(user=request.user, committee=committee)
    return render(
        request,
        "committees/committee_detail.html",
        {
            "committee": committee,
            "is_member": seat is not None,
            "seat": seat,
            "pending_request": None
            if seat
            else pending_request_of(user=request.user, committee=committee),
            "can_join": rules.test_rule("committees.ask_to_join", request.user, committee),
            "can_manage": request.user.has_perm("committees.manage_members", committee),
            "can_read_forum": rules.test_rule("committees.read_forum", request.user, committee),
            "latest_threads": latest_threads(committee=committee, user=request.user),
            "coordinators": selectors.coordinators_of(committee=committee),
            "members": members_with_organisations(committee=committee) if can_see_members else None,
            "resources": resources_for_committee(committee=committee, user=request.user),
        },
    )
