from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal.committees import selectors as committee_selectors
from portal.committees.calendars import ics, selectors, services
from portal.committees.models import Committee
from portal.links import site_url


@require_GET
def meeting_ics(request, pk):
    """One meeting's .ics, as the requester sees it; 404 for whoever may not see it."""
    meeting = selectors.visible_meeting_for_file(pk=pk, user=request.user)
    if meeting is None:
        raise Http404
    entry = selectors.meeting_entry(meeting=meeting, user=request.user)
    return ics.response(
        ics.meeting_file(entry),
        filename=ics.filename(meeting),
        private=entry.with_link or request.user.is_authenticated,
    )


@require_GET
def committee_ics(request, slug):
    """A committee's meetings: what the requester may see, or with ?jeton= what the token's
    owner may see now (their members' meetings while they sit on the committee)."""
    token = request.GET.get("jeton")
    viewer = request.user
    if token is not None:
        viewer = selectors.token_owner(token=token, requester=request.user)
        if viewer is None:
            raise Http404
    try:
        committee = committee_selectors.committee_for_reading(user=viewer, slug=slug)
    except Committee.DoesNotExist:
        raise Http404 from None
    entries = selectors.committee_entries(committee=committee, user=viewer)
    content = ics.calendar_bytes(entries, name=f"Cohésion — {committee.name}")
    return ics.response(
        content,
        filename=f"{committee.slug}.ics",
        private=token is not None or viewer.is_authenticated,
    )


@require_GET
def personal_ics(request, token):
    """The meetings the token's owner holds a place at or waits for; 404 once the token is
    renewed or revoked."""
    owner = selectors.token_owner(token=token, requester=request.user)
    if owner is None:
        raise Http404
    content = ics.calendar_bytes(
        selectors.personal_entries(user=owner), name=_("Cohésion — my meetings")
    )
    return ics.response(content, filename="mes-rencontres.ics", private=True)


def _actions():
    return {
        "create": (services.token_create, _("Your personal calendar address is ready.")),
        "renew": (
            services.token_renew,
            _("Your calendar address is renewed: the old one no longer works."),
        ),
        "revoke": (
            services.token_revoke,
            _("Your calendar address is revoked: it no longer works."),
        ),
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    """Where a person creates, renews and revokes the secret address of their own feed."""
    status = 200
    if request.method == "POST":
        action = _actions().get(request.POST.get("action", ""))
        try:
            if action is None:
                raise ValidationError(_("Unknown action."))
            service, done = action
            service(user=request.user)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            status = 400
        else:
            messages.success(request, done)
            return redirect("committees:calendar_settings")
    token = selectors.token_of(user=request.user)
    context = {"token": token}
    if token is not None:
        feed = site_url(reverse("committees:personal_ics", args=[token.token]))
        context["feed_url"] = feed
        context["webcal_url"] = "webcal://" + feed.split("://", 1)[-1]
        context["committee_feeds"] = [
            (
                committee,
                site_url(reverse("committees:committee_ics", args=[committee.slug]))
                + "?"
                + urlencode({"jeton": token.token}),
            )
            for committee in selectors.committees_of(user=request.user)
        ]
    return render(request, "committees/calendars/settings.html", context, status=status)
