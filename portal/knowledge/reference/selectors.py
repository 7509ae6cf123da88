from django.db.models import Prefetch, Q

from portal.knowledge.models import Axis, Preconisation
from territories.models import Indicator


def axes_with_preconisations():
    return Axis.objects.prefetch_related(
        Prefetch("preconisations", queryset=Preconisation.objects.order_by("number"))
    )


def indicators_bearing_on(*, preconisation, resources):
    """The catalogue indicators the reference data names for the préconisation, and those its
    `resources` are about; a name the catalogue does not hold is skipped."""
    return (
        Indicator.objects.filter(
            Q(slug__in=preconisation.indicator_slugs) | Q(resources__in=resources)
        )
        .distinct()
        .only("slug", "name")
        .order_by("name")
    )
