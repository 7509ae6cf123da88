"""The search page: results, facets that add or remove a filter, and the facets of what the
registered sources find (the forums' discussions), which list their findings instead."""

from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.knowledge.search import selectors as search
from portal.knowledge.search.forms import SearchForm
from portal.ratelimits import search_rate_limited

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


def _within_links(request, result):
    """The « Search in » facet: the resources, then each source with what it found. Choosing
    a source keeps only the query; coming back to the resources keeps their filters."""
    if not result.elsewhere:
        return None
    resources = request.GET.copy()
    for name in ("page", "dans"):
        resources.pop(name, None)
    items = [
        {
            "value": "",
            "label": _("Resources"),
            "count": result.total,
            "selected": result.chosen is None,
            "query": resources.urlencode(),
        }
    ]
    for source, found in result.elsewhere:
        alone = QueryDict(mutable=True)
        alone.update({"q": result.query, "dans": source.name})
        items.append(
            {
                "value": source.name,
                "label": source.label,
                "count": found.total,
                "selected": source is result.chosen,
                "query": alone.urlencode(),
            }
        )
    return {"name": "dans", "title": _("Search in"), "items": items}


@search_rate_limited
def search_page(request):
    form = SearchForm(request.GET)
    query, page_number = form.query, form.page_number
    result = search.search(
        user=request.user,
        query=query,
        filters=form.filters(),
        within=form.within,
        offset=(page_number - 1) * search.PAGE_SIZE,
    )
    listed = result.found.total if result.chosen else result.total
    page = Paginator(range(listed), search.PAGE_SIZE).get_page(page_number)
    params = request.GET.copy()
    params.pop("page", None)
    within = _within_links(request, result)
    facets = [] if result.chosen else _facet_links(request, result.facets)
    return render(
        request,
        "knowledge/search.html",
        {
            "query": query,
            "result": result,
            "facets": [within, *facets] if within else facets,
            "page": page,
            "page_query": params.urlencode(),
            "filtered": not result.chosen and any(request.GET.get(name) for name in FACET_TITLES),
        },
    )
