from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.knowledge.curation import selectors as curation
from portal.knowledge.curation.forms import ReviewForm
from portal.knowledge.markdown import markdown_to_html
from portal.knowledge.models import Attachment, Resource
from portal.knowledge.resources import attachments, selectors, services
from portal.knowledge.resources.forms import AttachmentForm, ResourceForm, RevisionsCompareForm
from portal.knowledge.resources.origins import origins_of
from portal.knowledge.resources.visibility import audience_key


def visible_or_404(request, slug):
    try:
        return selectors.resource_for_reading(user=request.user, slug=slug)
    except Resource.DoesNotExist:
        raise Http404 from None


def _rights(user, resource):
    """What `user` may do with the resource beyond reading it."""
    return {
        "can_see_history": user.has_perm("knowledge.view_resource_history", resource),
        "can_edit": user.has_perm("knowledge.change_resource", resource),
        "can_submit": user.has_perm("knowledge.submit_resource", resource),
        "can_review": user.has_perm("knowledge.review_resource", resource),
    }


def detail_audience(request, slug):
    """A resource's page is kept per reading audience for those who may only read it; its
    authors and curators get their own, with its workflow (portal.pagecache)."""
    try:
        resource = selectors.resource_for_reading(user=request.user, slug=slug)
    except Resource.DoesNotExist:
        return None
    if any(_rights(request.user, resource).values()):
        return None
    return audience_key(request.user)


def resource_detail(request, slug, template="knowledge/resource_detail.html"):
    resource = visible_or_404(request, slug)
    rights = _rights(request.user, resource)
    return render(
        request,
        template,
        {
            "resource": resource,
            "attachments": resource.attachments.all(),
            # What it comes from (a committee's meeting…), as far as the reader may see it.
            "origins": origins_of(resource=resource, user=request.user),
            "is_stale": curation.resource_is_stale(resource=resource),
            "events": curation.review_history(resource=resource)
            if rights["can_see_history"]
            else None,
            **rights,
            "review_form": ReviewForm(),
        },
    )


def resource_manage(request, slug):
    """The resource with its workflow: the same page as the detail, under its own address."""
    return resource_detail(request, slug)


def _form_page(request, form, resource=None, status=200):
    preview = None
    # The body is checked (form field validator) before it is rendered.
    if request.method == "POST" and "preview" in request.POST and not form.has_error("body"):
        preview = markdown_to_html(request.POST.get("body", ""))
    return render(
        request,
        "knowledge/resource_form.html",
        {"form": form, "resource": resource, "preview": preview},
        status=status,
    )


@login_required
def resource_create(request):
    if not request.user.has_perm("knowledge.add_resource"):
        raise PermissionDenied
    form = ResourceForm(request.POST or None, user=request.user)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        resource = services.resource_create(user=request.user, **form.service_arguments())
        messages.success(request, _("Draft saved."))
        return redirect("knowledge:resource_manage", slug=resource.slug)
    return _form_page(request, form)


@login_required
def resource_edit(request, slug):
    resource = visible_or_404(request, slug)
    if not request.user.has_perm("knowledge.change_resource", resource):
        raise PermissionDenied
    form = ResourceForm(request.POST or None, instance=resource, user=request.user)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        version = form.cleaned_data.get("version") or 0
        try:
            services.resource_update(
                user=request.user,
                resource=Resource.objects.get(pk=resource.pk),
                version=version,
                **form.service_arguments(),
            )
        except services.StaleEdit:
            form.add_error(
                None,
                _(
                    "Someone saved this resource in the meantime: nothing was overwritten. "
                    "Your text is still below; open the resource in another tab to compare, "
                    "then save again."
                ),
            )
            # The next save is made against the newest version, on purpose.
            data = request.POST.copy()
            data["version"] = Resource.objects.values_list("version", flat=True).get(pk=resource.pk)
            form.data = data
            return _form_page(request, form, resource, status=409)
        messages.success(request, _("Changes saved."))
        return redirect("knowledge:resource_manage", slug=resource.slug)
    return _form_page(request, form, resource)


@login_required
def attachment_upload(request, slug):
    resource = visible_or_404(request, slug)
    if not request.user.has_perm("knowledge.change_resource", resource):
        raise PermissionDenied
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        attachments.attachment_add(
            user=request.user, resource=resource, uploaded=form.cleaned_data["file"]
        )
        messages.success(request, _("File attached."))
        return redirect("knowledge:resource_attachments", slug=resource.slug)
    return render(
        request,
        "knowledge/resource_attachments.html",
        {"resource": resource, "form": form, "attachments": resource.attachments.all()},
    )


def attachment_download(request, pk):
    attachment = get_object_or_404(
        Attachment.objects.filter(resource__in=selectors.visible_resources(request.user)), pk=pk
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


def _history_or_403(request, slug):
    resource = visible_or_404(request, slug)
    if not request.user.has_perm("knowledge.view_resource_history", resource):
        raise PermissionDenied
    return resource


def revision_list(request, slug):
    resource = _history_or_403(request, slug)
    revisions = list(selectors.revisions_of(resource=resource))
    diff = None
    compare = RevisionsCompareForm(request.GET)
    numbers = {r.number: r for r in revisions}
    old, new = numbers.get(compare.value("de")), numbers.get(compare.value("a"))
    if old and new:
        diff = selectors.revision_diff(old=old, new=new)
    return render(
        request,
        "knowledge/resource_revisions.html",
        {
            "resource": resource,
            "revisions": revisions,
            "diff": diff,
            "old": old,
            "new": new,
            "can_restore": request.user.has_perm("knowledge.restore_revision", resource),
        },
    )


@login_required
@require_POST
def revision_restore(request, slug, number):
    resource = visible_or_404(request, slug)
    if not request.user.has_perm("knowledge.restore_revision", resource):
        raise PermissionDenied
    revision = get_object_or_404(resource.revisions, number=number)
    services.revision_restore(user=request.user, resource=resource, revision=revision)
    messages.success(request, _("Revision %(number)s restored.") % {"number": number})
    return redirect("knowledge:resource_revisions", slug=resource.slug)


@login_required
def my_resources(request):
    return render(
        request,
        "knowledge/resource_mine.html",
        {"resources": selectors.resources_of(user=request.user)},
    )
