import rules
from django.http import Http404
from django.shortcuts import render

from portal.committees import selectors
from portal.committees.following.selectors import level_of
from portal.committees.forums.selectors import latest_threads
from portal.committees.meetings.selectors import committee_meetings
from portal.committees.membership.selectors import (
    members_with_organisations,
    pending_request_of,
    seat_of,
)
from portal.committees.minutes.selectors import open_actions
from portal.committees.models import Committee
from portal.knowledge.resources.selectors import resources_for_committee
from portal.knowledge.resources.visibility import audience_key


def committee_list(request):
    committees = selectors.committees_for_directory(user=request.user)
    return render(request, "committees/committee_list.html", {"committees": committees})


def _reader(user, committee):
    """Where `user` stands towards the committee: all that its page depends on for them."""
    seat = seat_of(user=user, committee=committee)
    return {
        "is_member": seat is not None,
        "seat": seat,
        "pending_request": None if seat else pending_request_of(user=user, committee=committee),
        "can_join": rules.test_rule("committees.ask_to_join", user, committee),
        "can_manage": user.has_perm("committees.manage_members", committee),
        "can_read_forum": rules.test_rule("committees.read_forum", user, committee),
        "can_see_members": selectors.can_see_members(user=user, committee=committee),
        "reads_as": audience_key(user),  # the shared resources it lists
    }


def detail_audience(request, slug):
    """A committee's page is kept for the readers who stand alike towards it (portal.pagecache):
    the same seat (role, suspension), request, rights and reading audience."""
    try:
        committee = selectors.committee_for_reading(user=request.user, slug=slug)
    except Committee.DoesNotExist:
        return None
    return _standing(request.user, committee)


def _standing(user, committee):
    reader = _reader(user, committee)
    seat, pending = reader.pop("seat"), reader.pop("pending_request")
    if seat is not None:
        reader["seat"] = (seat.role, seat.is_suspended, seat.suspended_until)
    if pending is not None:
        reader["pending_request"] = pending.created_at.date()
    return repr(sorted(reader.items()))


def forum_audience(request, slug, pk=None):
    """A committee's forum and its threads are kept for the readers who stand alike towards
    the committee, as its page is, and follow the forum (or the thread) alike; each reader's
    unread marks and own posts' actions are drawn for them (portal.committees.forums.marks)."""
    try:
        committee = selectors.committee_for_reading(user=request.user, slug=slug)
    except Committee.DoesNotExist:
        return None
    level = level_of(user=request.user, committee=committee, thread=pk)
    return f"{_standing(request.user, committee)}|follows:{level}"


def committee_detail(request, slug):
    try:
        committee = selectors.committee_for_reading(user=request.user, slug=slug)
    except Committee.DoesNotExist:
        raise Http404 from None
    reader = _reader(request.user, committee)
    upcoming, past = committee_meetings(committee=committee, user=request.user)
    return render(
        request,
        "committees/committee_detail.html",
        {
            "committee": committee,
            **reader,
            "upcoming_meetings": upcoming,
            "past_meetings": past,
            # Actions of final minutes not yet done (committees/minutes/_committee.html).
            "open_actions": open_actions(
                committee=committee, user=request.user, upcoming=upcoming, past=past
            ),
            "can_organise": request.user.has_perm("committees.manage_meetings", committee),
            "latest_threads": latest_threads(committee=committee, user=request.user),
            "coordinators": selectors.coordinators_of(committee=committee),
            "members": members_with_organisations(committee=committee)
            if reader["can_see_members"]
            else None,
            "resources": resources_for_committee(committee=committee, user=request.user),
        },
    )
