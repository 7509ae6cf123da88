"""Pages where an organisation's admin declares its establishments and keeps them up to date;
its delegates read them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from observatory.establishments import selectors, services
from observatory.establishments.forms import EstablishmentEditForm, EstablishmentForm
from observatory.establishments.models import Establishment
from portal.accounts.models import Organisation


def _require(request, permission, obj):
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied(_("You are not allowed to do this."))


@login_required
def establishment_list(request, organisation):
    organisation = get_object_or_404(Organisation, slug=organisation)
    _require(request, "observatory.view_establishments", organisation)
    establishments = list(selectors.establishments_of(organisation=organisation))
    return render(
        request,
        "observatory/establishments/list.html",
        {
            "organisation": organisation,
            "establishments": establishments,
            "can_manage": request.user.has_perm("observatory.manage_establishments", organisation),
            "demo": organisation.is_demo or any(e.is_demo for e in establishments),
        },
    )


@login_required
def establishment_create(request, organisation):
    organisation = get_object_or_404(Organisation, slug=organisation)
    _require(request, "observatory.manage_establishments", organisation)
    form = EstablishmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            establishment = services.establishment_create(
                organisation=organisation, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s was declared.") % {"name": establishment.name})
            return redirect("observatory:establishment_list", organisation=organisation.slug)
    return render(
        request,
        "observatory/establishments/form.html",
        {"organisation": organisation, "form": form, "establishment": None},
    )


@login_required
def establishment_edit(request, pk):
    establishment = get_object_or_404(
        Establishment.objects.select_related("organisation", "commune").defer("commune__geometry"),
        pk=pk,
    )
    organisation = establishment.organisation
    _require(request, "observatory.manage_establishments", organisation)
    form = EstablishmentEditForm(
        request.POST or None,
        initial={
            "name": establishment.name,
            "siret": establishment.siret,
            "commune": str(establishment.commune),
            "sector": establishment.sector_id,
            "employer_kind": establishment.employer_kind_id,
            "closed_on": establishment.closed_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.establishment_update(
                establishment=establishment, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": establishment.name})
            return redirect("observatory:establishment_list", organisation=organisation.slug)
    return render(
        request,
        "observatory/establishments/form.html",
        {"organisation": organisation, "form": form, "establishment": establishment},
    )
