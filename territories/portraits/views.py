"""A territory's page (its portrait) and the comparison of territories side by side."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from territories.choices import Level
from territories.geography import selectors
from territories.geography.models import Territory
from territories.portraits import portrait
from territories.portraits.forms import MAX_COMPARED, CompareForm
from territories.portraits.sections import sections_for
from territories.signals import selectors as signal_selectors


def territory_detail(request, level, code):
    if level not in Level.values:
        raise Http404
    # The parents' boundaries (large JSON) are not shown: only the territory's own map.
    parents = Territory.objects.select_related("region", "departement", "epci").defer(
        "region__geometry", "departement__geometry", "epci__geometry"
    )
    territory = get_object_or_404(parents, level=level, code=code)
    context = {
        "territory": territory,
        "portrait": portrait.portrait(territory),
        "members": selectors.territory_members(territory=territory),
        "departements": selectors.epci_departements(epci=territory)
        if level == Level.EPCI
        else None,
        "signals": signal_selectors.territory_signals(territory=territory),
        "is_following": signal_selectors.is_following(user=request.user, territory=territory),
        "sections": sections_for(territory, request),
    }
    return render(request, "territories/territory_detail.html", context)


def territory_compare(request):
    """Up to four territories side by side, chosen by name or code."""
    form = CompareForm(request.GET)
    form.is_valid()  # never refused: what was not found is listed
    chosen, unknown = form.cleaned_data["t"], form.unknown
    slots = [t.level + "/" + t.code for t in chosen] + [""] * (MAX_COMPARED - len(chosen))
    return render(
        request,
        "territories/compare.html",
        {
            "territories": chosen,
            "rows": portrait.compare(chosen) if chosen else [],
            "unknown": unknown,
            "slots": slots,
        },
    )
