"""The curation workflow's pages: a step taken on a resource, the curators' review queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.knowledge.curation import selectors, services
from portal.knowledge.resources.views import visible_or_404

TRANSITIONS = {
    "submit": services.resource_submit,
    "request_changes": services.resource_request_changes,
    "publish": services.resource_publish,
    "archive": services.resource_archive,
}


@login_required
@require_POST
def resource_transition(request, slug, action):
    resource = visible_or_404(request, slug)
    comment = request.POST.get("comment", "")
    try:
        if action in TRANSITIONS:
            TRANSITIONS[action](user=request.user, resource=resource, comment=comment)
        elif action in ("feature", "unfeature"):
            services.resource_feature(
                user=request.user, resource=resource, featured=action == "feature"
            )
        else:
            raise Http404
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Done."))
    return redirect("knowledge:resource_manage", slug=resource.slug)


@login_required
def review_queue(request):
    if not request.user.has_perm("knowledge.review_resource"):
        raise PermissionDenied
    return render(request, "knowledge/resource_queue.html", selectors.review_queue())
