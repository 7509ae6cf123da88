"""The administrators' pages for campaigns: open one, invite establishments, follow who has
answered, export those to remind."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from observatory.campaigns import exports, selectors, services
from observatory.campaigns.forms import (
    CampaignEditForm,
    CampaignForm,
    EstablishmentPickForm,
    InviteCriteriaForm,
)
from observatory.campaigns.models import Campaign
from observatory.choices import ANSWERED, ReturnStatus
from observatory.returns.models import Return

PER_PAGE = 50


def administrators_only(view):
    """Visitors are sent to log in; people who are not the portal's administrators get 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(services.MANAGE):
            raise PermissionDenied(_("Only the portal's administrators manage campaigns."))
        return view(request, *args, **kwargs)

    return wrapped


def _campaign(year):
    return get_object_or_404(Campaign, year=year)


@administrators_only
def campaign_list(request):
    campaigns = list(selectors.campaigns_listed())
    return render(
        request,
        "observatory/campaigns/list.html",
        {
            "campaigns": campaigns,
            "today": timezone.localdate(),
            "demo": any(campaign.is_demo for campaign in campaigns),
        },
    )


@administrators_only
def campaign_create(request):
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(campaign)s was created. Invite the establishments now.")
                % {"campaign": campaign},
            )
            return redirect("observatory:campaign_invite", year=campaign.year)
    return render(request, "observatory/campaigns/form.html", {"form": form, "campaign": None})


@administrators_only
def campaign_edit(request, year):
    campaign = _campaign(year)
    form = CampaignEditForm(
        request.POST or None,
        initial={
            "reference_date": campaign.reference_date,
            "opens_on": campaign.opens_on,
            "closes_on": campaign.closes_on,
            "introduction": campaign.introduction,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(campaign)s was saved.") % {"campaign": campaign})
            return redirect(campaign)
    return render(request, "observatory/campaigns/form.html", {"form": form, "campaign": campaign})


@administrators_only
def campaign_detail(request, year):
    campaign = _campaign(year)
    counts = dict(
        Return.objects.filter(campaign=campaign)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    invited = sum(counts.values())
    answered = sum(counts.get(status, 0) for status in ANSWERED)
    page = Paginator(selectors.campaign_returns(campaign=campaign), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "observatory/campaigns/detail.html",
        {
            "campaign": campaign,
            "invited": invited,
            "answered": answered,
            "validated": counts.get(ReturnStatus.VALIDATED, 0),
            "in_progress": counts.get(ReturnStatus.DRAFT, 0)
            + counts.get(ReturnStatus.SENT_BACK, 0),
            "not_started": counts.get(ReturnStatus.NOT_STARTED, 0),
            "rate": answered / invited if invited else None,
            "reminders": selectors.campaign_reminders(campaign=campaign),
            "page": page,
            "withdrawable": ReturnStatus.NOT_STARTED,
            "is_closed": campaign.is_closed(),
            "demo": selectors.campaign_has_demo(campaign=campaign),
        },
    )


@administrators_only
def campaign_invite(request, year):
    campaign = _campaign(year)
    by = request.POST.get("by")
    criteria = InviteCriteriaForm(request.POST if by == "criteria" else None)
    pick = EstablishmentPickForm(request.POST if by == "pick" else None)
    form = {"criteria": criteria, "pick": pick}.get(by)
    if request.method == "POST" and form is not None and form.is_valid():
        if by == "criteria":
            designated = selectors.invitable(
                sector=form.cleaned_data["sector"], territory=form.cleaned_data["territory"]
            )
        else:
            designated = selectors.invitable(
                establishment_ids=[e.pk for e in form.cleaned_data["establishments"]]
            )
        if request.POST.get("step") == "confirm":
            return _invite(request, campaign, designated)
        preview = selectors.invite_preview(campaign=campaign, establishments=designated)
        return render(
            request,
            "observatory/campaigns/invite_preview.html",
            {
                "campaign": campaign,
                "by": by,
                "form": form,
                "preview": preview,
                "demo": campaign.is_demo or any(e.is_demo for e in preview.shown),
            },
        )
    # A search's results stay shown when the ticked establishments are refused.
    query = (request.GET.get("q") or request.POST.get("q") or "").strip()
    found = selectors.establishments_search(query=query, campaign=campaign)
    return render(
        request,
        "observatory/campaigns/invite.html",
        {
            "campaign": campaign,
            "criteria": criteria,
            "pick": pick,
            "query": query,
            "found": found,
            "is_closed": campaign.is_closed(),
            "is_open": campaign.is_open(),
            "demo": campaign.is_demo or any(e.is_demo for e in found),
        },
    )


def _invite(request, campaign, designated):
    try:
        invited = services.campaign_invite(
            campaign=campaign, user=request.user, establishments=designated
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(campaign)
    count = len(invited.returns)
    if count:
        text = ngettext(
            "%(count)s establishment invited.", "%(count)s establishments invited.", count
        ) % {"count": count}
        if invited.told:
            text += " " + ngettext(
                "%(count)s person was told at once.",
                "%(count)s people were told at once.",
                invited.told,
            ) % {"count": invited.told}
        messages.success(request, text)
    else:
        messages.info(request, _("No new establishment to invite: nothing changed."))
    return redirect(campaign)


@require_POST
@administrators_only
def campaign_withdraw(request, year, pk):
    campaign = _campaign(year)
    return_obj = get_object_or_404(
        Return.objects.select_related("establishment"), campaign=campaign, pk=pk
    )
    try:
        services.campaign_withdraw(return_obj=return_obj, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The invitation of %(establishment)s was withdrawn.")
            % {"establishment": return_obj.establishment.name},
        )
    return redirect(campaign)


@administrators_only
def campaign_completeness(request, year):
    campaign = _campaign(year)
    completeness = selectors.campaign_completeness(campaign=campaign)
    page = Paginator(selectors.returns_to_remind(campaign=campaign), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "observatory/campaigns/completeness.html",
        {
            "campaign": campaign,
            "completeness": completeness,
            "page": page,
            "demo": selectors.campaign_has_demo(campaign=campaign),
        },
    )


@administrators_only
def campaign_reminders_export(request, year):
    campaign = _campaign(year)
    returns = list(selectors.returns_to_remind(campaign=campaign))
    contacts = selectors.contacts_of(
        organisation_ids={r.establishment.organisation_id for r in returns}
    )
    response = HttpResponse(
        exports.reminders_csv(campaign=campaign, returns=returns, contacts=contacts),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.reminders_filename(campaign)}"'
    )
    return response
