"""The search page: results, and facets that add or remove a filter."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.knowledge.search import selectors as search
from portal.knowledge.search.forms import SearchForm

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
    form = SearchForm(request.GET)
    query, page_number = form.query, form.page_number
    result = search.search_resources(
        user=request.user,
        query=query,
        filters=form.filters(),
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
