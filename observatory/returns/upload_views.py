"""Pages for filling returns from a file: the template to download, the upload, and the
result of the job that reads it."""

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from observatory.campaigns.models import Campaign
from observatory.reference.models import Profession
from observatory.returns import template_files, uploads
from observatory.returns.upload_forms import ReturnUploadForm, upload_max_bytes
from portal.accounts.models import Organisation


def _campaign_and_organisation(request, year, slug, permission):
    campaign = get_object_or_404(Campaign, year=year)
    organisation = get_object_or_404(Organisation, slug=slug)
    # The rule itself, not user.has_perm: Django's backend grants superusers every
    # permission, and returns are filled by the organisation's own people.
    if not rules.has_perm(permission, request.user, organisation):
        raise PermissionDenied(_("You do not act for this organisation."))
    return campaign, organisation


@never_cache
@login_required
def return_template(request, year, organisation, fmt):
    """The campaign's template for the organisation, pre-filled, as XLSX or CSV."""
    if fmt not in template_files.FORMATS:
        raise Http404
    campaign, organisation = _campaign_and_organisation(
        request, year, organisation, "observatory.download_return_template"
    )
    entries = template_files.template_entries(campaign=campaign, organisation=organisation)
    if not entries:
        raise Http404(_("None of the organisation's establishments is invited to this campaign."))
    build = template_files.template_xlsx if fmt == "xlsx" else template_files.template_csv
    response = HttpResponse(
        build(campaign=campaign, organisation=organisation, entries=entries),
        content_type=template_files.CONTENT_TYPES[fmt],
    )
    filename = template_files.template_filename(
        campaign=campaign, organisation=organisation, fmt=fmt
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def return_upload(request, year, organisation):
    """The upload form, beside what the template holds for each establishment."""
    campaign, organisation = _campaign_and_organisation(
        request, year, organisation, "observatory.upload_returns"
    )
    entries = template_files.template_entries(campaign=campaign, organisation=organisation)
    form = ReturnUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and entries and form.is_valid():
        job = uploads.returns_upload_create(
            campaign=campaign,
            organisation=organisation,
            uploaded=form.cleaned_data["file"],
            user=request.user,
        )
        return redirect(
            "observatory:return_upload_result",
            year=campaign.year,
            organisation=organisation.slug,
            job=job.pk,
        )
    return render(
        request,
        "observatory/uploads/upload.html",
        {
            "campaign": campaign,
            "organisation": organisation,
            "entries": [
                {"entry": entry, "source": template_files.source_text(entry)} for entry in entries
            ],
            "demo": template_files.is_demo(
                campaign=campaign, organisation=organisation, entries=entries
            ),
            "form": form,
            "max_bytes": upload_max_bytes(),
            "professions": Profession.objects.all(),
            "uploads": uploads.returns_uploads_of(
                user=request.user, campaign=campaign, organisation=organisation
            )[:5],
        },
    )


@login_required
def return_upload_result(request, year, organisation, job):
    """Where the upload's job stands; once done, what it wrote or why it refused the file."""
    campaign, organisation = _campaign_and_organisation(
        request, year, organisation, "observatory.upload_returns"
    )
    job = get_object_or_404(
        uploads.returns_uploads_of(user=request.user, campaign=campaign, organisation=organisation),
        pk=job,
    )
    summary, problems = uploads.returns_upload_outcome(job)
    return render(
        request,
        "observatory/uploads/result.html",
        {
            "campaign": campaign,
            "organisation": organisation,
            "job": job,
            "summary": summary,
            "problems": problems,
            "demo": uploads.returns_upload_is_demo(campaign=campaign, organisation=organisation),
        },
    )
