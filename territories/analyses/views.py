"""Pages of analyses: composite indexes and typologies (anyone reads, analysts define)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from territories.analyses import selectors as analysis_selectors
from territories.analyses import services as analysis_services
from territories.analyses.forms import (
    ComponentFormSet,
    CompositeForm,
    LabelsForm,
    TypologyForm,
    VariableFormSet,
)
from territories.analyses.models import CompositeIndex, Typology
from territories.pipeline import selectors as pipeline_selectors

PERMISSION = "territories.import_data"


def _require(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied(_("You are not allowed to do this."))


def composite_list(request):
    return render(
        request,
        "territories/composite_list.html",
        {
            "composites": analysis_selectors.composites_published(),
            "can_edit": request.user.has_perm(PERMISSION),
        },
    )


def composite_detail(request, slug):
    composite = get_object_or_404(analysis_selectors.composites_published(), indicator__slug=slug)
    return render(
        request,
        "territories/composite_detail.html",
        {
            "composite": composite,
            "indicator": composite.indicator,
            "result": analysis_selectors.composite_result(composite=composite),
            "ranked": analysis_selectors.composite_ranked(composite=composite),
            "can_edit": request.user.has_perm(PERMISSION),
            **_run_under_way(),
        },
    )


@login_required
def composite_edit(request, slug=None):
    _require(request)
    composite = None
    initial, rows = None, None
    if slug is not None:
        composite = get_object_or_404(
            CompositeIndex.objects.select_related("indicator"), indicator__slug=slug
        )
        initial = {
            "name": composite.indicator.name,
            "level": composite.level,
            "period": composite.period,
            "normalisation": composite.normalisation,
            "polarity": composite.indicator.polarity,
        }
        rows = [
            {
                "indicator": c.indicator_id,
                "period": c.period,
                "weight": c.weight,
                "reverse": c.reverse,
            }
            for c in composite.components.order_by("pk")
        ]
    data = request.POST if request.method == "POST" else None
    formset = ComponentFormSet(data, initial=rows, prefix="components")
    form = CompositeForm(data, initial=initial, formset=formset)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        composite = analysis_services.composite_save(
            name=form.cleaned_data["name"],
            level=form.cleaned_data["level"],
            period=form.cleaned_data["period"],
            normalisation=form.cleaned_data["normalisation"],
            polarity=form.cleaned_data["polarity"],
            components=form.cleaned_data["components"],
            user=request.user,
            composite=composite,
        )
        messages.success(
            request, _("The index was saved; it will be computed by the next recompute.")
        )
        return redirect("analysis:composite_detail", slug=composite.indicator.slug)
    return render(
        request,
        "territories/composite_form.html",
        {"form": form, "formset": formset, "composite": composite},
    )


def typology_list(request):
    return render(
        request,
        "territories/typology_list.html",
        {
            "typologies": analysis_selectors.typologies_published(),
            "can_edit": request.user.has_perm(PERMISSION),
        },
    )


def typology_detail(request, slug):
    typology = get_object_or_404(analysis_selectors.typologies_published(), slug=slug)
    result = analysis_selectors.typology_result(typology=typology)
    classes = analysis_selectors.typology_classes(typology=typology, result=result)
    members = analysis_selectors.typology_members(result=result)
    can_edit = request.user.has_perm(PERMISSION)
    return render(
        request,
        "territories/typology_detail.html",
        {
            "typology": typology,
            "result": result,
            "classes": [{**c, "members": members.get(c["number"], [])} for c in classes],
            "profile_rows": _profile_rows(classes),
            "silhouettes": sorted(
                ((int(k), score) for k, score in (result.silhouettes if result else {}).items())
            ),
            "labels_form": LabelsForm(classes=classes) if can_edit and classes else None,
            "can_edit": can_edit,
            **_run_under_way(),
        },
    )


def _run_under_way():
    """The recompute that will compute the index or typology again."""
    return {"run": pipeline_selectors.active_run()}


def _profile_rows(classes):
    """One row per variable: its mean in each class, then over all territories."""
    if not classes:
        return []
    return [
        {**variable, "means": [c["means"][i]["mean"] for c in classes]}
        for i, variable in enumerate(classes[0]["means"])
    ]


@login_required
def typology_edit(request, slug=None):
    _require(request)
    typology = None
    rows = None
    if slug is not None:
        typology = get_object_or_404(Typology, slug=slug)
        rows = [
            {"indicator": v.indicator_id, "period": v.period}
            for v in typology.variables.order_by("pk")
        ]
    data = request.POST if request.method == "POST" else None
    formset = VariableFormSet(data, initial=rows, prefix="variables")
    form = TypologyForm(data, instance=typology, formset=formset)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = {
            key: form.cleaned_data[key]
            for key in ("name", "slug", "description", "level", "method", "k", "k_max", "seed")
        }
        typology = analysis_services.typology_save(
            **fields,
            variables=form.cleaned_data["variables"],
            user=request.user,
            typology=typology,
        )
        messages.success(
            request, _("The typology was saved; it will be computed by the next recompute.")
        )
        return redirect("analysis:typology_detail", slug=typology.slug)
    return render(
        request,
        "territories/typology_form.html",
        {"form": form, "formset": formset, "typology": typology},
    )


@login_required
@require_POST
def typology_labels(request, slug):
    _require(request)
    typology = get_object_or_404(analysis_selectors.typologies_published(), slug=slug)
    result = analysis_selectors.typology_result(typology=typology)
    classes = analysis_selectors.typology_classes(typology=typology, result=result)
    form = LabelsForm(request.POST, classes=classes)
    if form.is_valid():
        analysis_services.typology_labels_save(typology=typology, labels=form.labels())
        messages.success(request, _("The labels were saved."))
    else:
        messages.error(request, _("The labels could not be saved."))
    return redirect(reverse("analysis:typology_detail", args=[typology.slug]))
