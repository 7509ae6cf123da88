"""Pages of the indicator catalogue: the list and each indicator's sheet."""

from django.shortcuts import get_object_or_404, render

from territories.catalogue import selectors
from territories.catalogue.models import Indicator


def indicator_list(request):
    # Details are listed on their headline's sheet: ~190 workforce rows would bury the rest.
    return render(
        request, "territories/indicator_list.html", {"indicators": selectors.indicator_headlines()}
    )


def indicator_detail(request, slug):
    indicator = get_object_or_404(
        Indicator.objects.select_related("denominator", "numerator", "variant_of"), slug=slug
    )
    return render(
        request,
        "territories/indicator_detail.html",
        {
            "indicator": indicator,
            # Computed only when the kept fragment misses (portal.pagecache).
            "kept_context": lambda: {
                "communes": selectors.commune_coverage(indicator=indicator),
                "details": selectors.indicator_details(indicator=indicator),
            },
        },
    )
