"""Finding a territory by name, INSEE code, SIREN or postal code."""

from django.shortcuts import render

from territories.geography import selectors


def territory_search(request):
    query = request.GET.get("q", "").strip()[:100]
    results = selectors.search_territories(query) if query else []
    return render(request, "territories/search.html", {"query": query, "results": results})
