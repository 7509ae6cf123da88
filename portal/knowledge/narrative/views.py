"""Narrative maps: read as a scrolling story, and their steps composed by their authors."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.knowledge.choices import ResourceKind
from portal.knowledge.narrative import forms, services
from portal.knowledge.resources.views import visible_or_404
from territories.choices import Level
from territories.maps import explorer


def step_map(map_state):
    """The explorer state of a step's permalink, with the addresses its map reads."""
    params = QueryDict(urlsplit(map_state or "").query)
    state, errors = explorer.state_from(params)
    if state.get("indicator") is None:
        return None
    args = {"slug": state["indicator"], "level": state["level"], "period": state["period"]}
    return {
        **state,
        "level_label": Level(state["level"]).label,
        "layer_url": reverse("territories:map_layer", kwargs=args),
        "image_url": reverse("territories:map_image", kwargs=args),
        "geometry_url": reverse("territories:map_geometry", kwargs={"level": state["level"]}),
        "explorer_url": reverse("territories:explorer") + "?" + params.urlencode(),
        "errors": errors,
    }


def narrative(request, slug):
    """The story as its readers see it; a draft is previewed by those who may open it
    (its authors, their organisation's administrators, curators), and is a 404 to others."""
    resource = visible_or_404(request, slug)
    if resource.kind != ResourceKind.NARRATIVE_MAP:
        raise Http404(_("This resource is not a narrative map."))
    steps = list(resource.steps.order_by("position"))
    labels = {i["slug"]: i["name"] for i in explorer.options()["indicators"]}
    for step in steps:
        step.map = step_map(step.map_state)
        if step.map:
            step.map["indicator_name"] = labels.get(step.map["indicator"], step.map["indicator"])
    return render(request, "knowledge/narrative.html", {"resource": resource, "steps": steps})


@login_required
def narrative_steps(request, slug):
    """Compose the steps of a narrative map (each a text and an explorer permalink)."""
    resource = visible_or_404(request, slug)
    if not request.user.has_perm("knowledge.change_resource", resource):
        raise PermissionDenied
    if resource.kind != ResourceKind.NARRATIVE_MAP:
        raise Http404(_("This resource is not a narrative map."))
    formset = forms.StepFormSet(
        request.POST or None, initial=None if request.POST else forms.steps_initial(resource)
    )
    if request.method == "POST" and formset.is_valid():
        steps = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        services.steps_replace(resource=resource, steps=steps)
        messages.success(request, _("The steps were saved."))
        return redirect("knowledge:resource_manage", slug=resource.slug)
    return render(
        request, "knowledge/narrative_steps.html", {"resource": resource, "formset": formset}
    )
