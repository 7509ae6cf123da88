"""A territory's page (its portrait) and the comparison of territories side by side."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject

from territories.choices import Level
from territories.geography import selectors
from territories.geography.models import Territory
from territories.portraits import portrait
from territories.portraits.forms import MAX_COMPARED, CompareForm
from territories.portraits.sections import audience_of, sections_for
from territories.signals import selectors as signal_selectors
from territories.signals.sources import sources_audience


def portrait_audience(request, level, code):
    """A portrait is kept for the readers who see the same sections and field observations,
    and alike follow the territory or not (portal.pagecache)."""
    following = signal_selectors.follows(user=request.user, level=level, code=code)
    signals = sources_audience(request.user)
    return f"{audience_of(request)};following={following};signals={signals}"


def territory_detail(request, level, code):
    if level not in Level.values:
        raise Http404
    # Boundaries (large JSON) are not drawn here: the map reads its own layer.
    parents = Territory.objects.select_related("region", "departement", "epci").defer(
        "geometry", "region__geometry", "departement__geometry", "epci__geometry"
    )
    territory = get_object_or_404(parents, level=level, code=code)
    context = {
        "territory": territory,
        # What is the same for every reader, computed only when the template's kept
        # fragments miss (see portal.pagecache).
        "kept_context": lambda: {
            "portrait": portrait.portrait(territory),
            "members": selectors.territory_members(territory=territory),
            "departements": selectors.epci_departements(epci=territory)
            if level == Level.EPCI
            else None,
            "signals": signal_selectors.territory_signals(territory=territory),
        },
        "is_following": signal_selectors.is_following(user=request.user, territory=territory),
        # What other apps add depends on the reader: kept per audience, computed on a miss.
        "sections": SimpleLazyObject(lambda: sections_for(territory, request)),
        "sections_audience": audience_of(request),
        # The field's signals (territories.signals.sources), kept per audience too.
        "field_signals": SimpleLazyObject(
            lambda: signal_selectors.territory_qualitative_signals(
                territory=territory, user=request.user
            )
        ),
        "signals_audience": SimpleLazyObject(lambda: sources_audience(request.user)),
    }
    return render(request, "territories/territory_detail.html", context)


def territory_compare(request):
    """Up to four territories side by side, chosen by name or code."""

    def page():
        form = CompareForm(request.GET)
        form.is_valid()  # never refused: what was not found is listed
        chosen, unknown = form.cleaned_data["t"], form.unknown
        typed = [t.level + "/" + t.code for t in chosen]
        slots = typed + [""] * (MAX_COMPARED - len(chosen))
        # What a query could mean, each a link comparing it with the territories found.
        for problem in unknown:
            problem["choices"] = [
                {"territory": t, "query": urlencode({"t": [*typed, f"{t.level}/{t.code}"]}, True)}
                for t in problem["candidates"]
            ]
        return {
            "territories": chosen,
            "rows": portrait.compare(chosen) if chosen else [],
            "unknown": unknown,
            "slots": slots,
        }

    # The same for every reader: computed only when the kept fragment misses (portal.pagecache).
    return render(request, "territories/compare.html", {"kept_context": page})
