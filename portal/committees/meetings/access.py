"""The meeting a request may see or organise, or the right refusal: 404 when the person may
not see it (nothing tells a private meeting exists), 403 when they see it but may not act."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from portal.committees.meetings.models import Meeting


def visible_meeting(request, pk):
    """The meeting `request.user` may see, with its committee, or 404."""
    try:
        return Meeting.objects.visible_to(request.user).select_related("committee").get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def can_manage(user, meeting):
    return user.is_authenticated and user.has_perm("committees.manage_meetings", meeting.committee)


def managed_meeting(request, pk):
    """The meeting `request.user` organises (coordinator of its committee, administrator);
    404 if they may not see it, 403 if they see it without organising it."""
    meeting = visible_meeting(request, pk)
    if not can_manage(request.user, meeting):
        raise PermissionDenied(_("Only the committee's coordinators organise its meetings."))
    return meeting
