from django.db.models import Prefetch

from portal.knowledge.models import Axis, Preconisation


def axes_with_preconisations():
    return Axis.objects.prefetch_related(
        Prefetch("preconisations", queryset=Preconisation.objects.order_by("number"))
    )
