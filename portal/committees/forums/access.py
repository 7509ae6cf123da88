"""Who reaches a committee's forum: the committee, thread and post a request may read or
change, or the right refusal (404, 403, or the login page for a visitor)."""

from functools import wraps

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from portal.committees.choices import CommitteeAccess
from portal.committees.forums import selectors
from portal.committees.forums.models import Post, Thread
from portal.committees.membership.views import committee_or_404


class LoginFirst(Exception):
    """A visitor reached a forum that needs them logged in."""


def readable_committee(request, slug):
    """The committee whose forum the person may read; 404, 403 or the login page otherwise."""
    committee = committee_or_404(request, slug)
    if rules.test_rule("committees.read_forum", request.user, committee):
        return committee
    if committee.access == CommitteeAccess.PRIVATE:
        raise Http404
    if not request.user.is_authenticated:
        raise LoginFirst
    raise PermissionDenied(
        _("This forum is for the committee's members. Ask to join it from the committee's page.")
    )


def forum_view(view):
    """A visitor asking for a restricted forum is sent to log in first."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except LoginFirst:
            return redirect_to_login(request.get_full_path())

    return wrapper


def thread_or_404(committee, pk):
    try:
        return selectors.thread_for_reading(committee=committee, thread_id=pk)
    except Thread.DoesNotExist:
        raise Http404 from None


def post_or_404(committee, pk):
    try:
        return selectors.post_for_change(committee=committee, post_id=pk)
    except Post.DoesNotExist:
        raise Http404 from None
