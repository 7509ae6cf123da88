from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.committees.following import services
from portal.committees.forums.access import forum_view, readable_committee
from portal.committees.forums.forms import FollowForm
from portal.committees.forums.models import Thread


@login_required
@require_POST
@forum_view
def follow(request, slug, pk=None):
    """Choose how closely to follow the committee's forum, or one of its threads (pk)."""
    committee = readable_committee(request, slug)
    thread = get_object_or_404(Thread, pk=pk, committee=committee) if pk else None
    form = FollowForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Unknown way of following."))
        services.level_set(
            user=request.user, committee=committee, thread=thread, level=form.cleaned_data["level"]
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Your choice is saved."))
    if thread is not None:
        thread.committee = committee
        return redirect(thread)
    return redirect("committees:forum", slug=committee.slug)
