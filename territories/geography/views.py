"""Finding a territory by name, INSEE code, SIREN or postal code."""

from django.shortcuts import render

from portal.ratelimits import search_rate_limited
from territories.geography import selectors
from territories.geography.forms import TerritorySearchForm


@search_rate_limited
def territory_search(request):
    form = TerritorySearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = selectors.search_territories(query) if query else []
    return render(request, "territories/search.html", {"query": query, "results": results})
