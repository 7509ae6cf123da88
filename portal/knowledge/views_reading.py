"""Reading the knowledge base: search with facets, a narrative map, and the
"what is being done here" section of territory portraits."""

from urllib.parse import urlsplit

from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.knowledge import search
from portal.knowledge.choices import ResourceKind
from territories.maps import explorer

FACET_TITLES = {
    "type": _("Kind"),
    "theme": _("Theme"),
    "preconisation": _("Préconisation"),
    "territoire": _("Territory"),
    "annee": _("Year of publication"),
}


def _facet_links(request, facets):
    """Each facet value with the address that adds (or removes) it as a filter."""
    groups = []
    for name, values in facets.items():
        current = request.GET.get(name, "")
        items = []
        for item in values:
            params = request.GET.copy()
            params.pop("page", None)
            selected = str(item["value"]) == current
            if selected:
                params.pop(name, None)
            else:
                params[name] = item["value"]
            items.append({**item, "selected": selected, "query": params.urlencode()})
        if items:
            groups.append({"name": name, "title": FACET_TITLES[name], "items": items})
    return groups


def search_page(request):
    query = request.GET.get("q", "").strip()[:200]
    filters = search.Filters.from_params(request.GET)
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    result = search.search_resources(
        user=request.user,
        query=query,
        filters=filters,
        offset=(page_number - 1) * search.PAGE_SIZE,
    )
    paginator = Paginator(range(result.total), search.PAGE_SIZE)
    page = paginator.get_page(page_number)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "knowledge/search.html",
        {
            "query": query,
            "result": result,
            "facets": _facet_links(request, result.facets),
            "page": page,
            "page_query": params.urlencode(),
            "filtered": any(request.GET.get(name) for name in FACET_TITLES),
        },
    )


def step_map(map_state):
    """The explorer state of a step's permalink, with the addresses its map reads."""
    params = QueryDict(urlsplit(map_state or "").query)
    state, errors = explorer.state_from(params)
    if state.get("indicator") is None:
        return None
    args = {"slug": state["indicator"], "level": state["level"], "period": state["period"]}
    return {
        **state,
        "layer_url": reverse("territories:map_layer", kwargs=args),
        "image_url": reverse("territories:map_image", kwargs=args),
        "geometry_url": reverse("territories:map_geometry", kwargs={"level": state["level"]}),
        "explorer_url": reverse("territories:explorer") + "?" + params.urlencode(),
        "errors": errors,
    }


def narrative(request, slug):
    resource = get_object_or_404(search.readable_by(request.user), slug=slug)
    if resource.kind != ResourceKind.NARRATIVE_MAP:
        raise Http404(_("This resource is not a narrative map."))
    steps = list(resource.steps.order_by("position"))
    labels = {i["slug"]: i["name"] for i in explorer.options()["indicators"]}
    for step in steps:
        step.map = step_map(step.map_state)
        if step.map:
            step.map["indicator_name"] = labels.get(step.map["indicator"], step.map["indicator"])
    return render(request, "knowledge/narrative.html", {"resource": resource, "steps": steps})


def territory_section(territory, request):
    """Portrait section: published resources about the territory or a territory containing
    it. Registered in KnowledgeConfig.ready()."""
    user = getattr(request, "user", None)
    resources = list(search.resources_for_territory(territory=territory, user=user))
    return {
        "title": _("What is being done here"),
        "template": "knowledge/_territory_resources.html",
        "resources": resources,
        "search_url": reverse("knowledge:search")
        + f"?territoire={territory.level}/{territory.code}",
    }
