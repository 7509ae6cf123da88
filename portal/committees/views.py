from django.http import Http404
from django.shortcuts import render

from portal.committees import selectors
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
    return render(
        request,
        "committees/committee_detail.html",
        {
            "committee": committee,
            "is_member": selectors.is_member(user=request.user, committee=committee),
            "coordinators": selectors.coordinators_of(committee=committee),
            "members": selectors.committee_members(committee=committee)
            if can_see_members
            else None,
            "resources": resources_for_committee(committee=committee, user=request.user),
        },
    )
