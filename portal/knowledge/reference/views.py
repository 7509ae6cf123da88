from django.shortcuts import get_object_or_404, render

from portal.knowledge.models import Preconisation
from portal.knowledge.reference.selectors import axes_with_preconisations, indicators_bearing_on
from portal.knowledge.resources.selectors import resources_for_preconisation


def preconisation_list(request):
    return render(
        request, "knowledge/preconisation_list.html", {"axes": axes_with_preconisations()}
    )


def preconisation_detail(request, number):
    preconisation = get_object_or_404(Preconisation.objects.select_related("axis"), number=number)
    others = Preconisation.objects.only("number", "title")
    resources = resources_for_preconisation(preconisation=preconisation, user=request.user)
    return render(
        request,
        "knowledge/preconisation_detail.html",
        {
            "preconisation": preconisation,
            "previous": others.filter(number__lt=number).order_by("-number").first(),
            "next": others.filter(number__gt=number).order_by("number").first(),
            "resources": resources,
            "indicators": indicators_bearing_on(preconisation=preconisation, resources=resources),
        },
    )
