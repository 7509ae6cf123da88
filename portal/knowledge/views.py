from django.shortcuts import get_object_or_404, render

from portal.knowledge.models import Preconisation
from portal.knowledge.selectors import axes_with_preconisations


def preconisation_list(request):
    return render(
        request, "knowledge/preconisation_list.html", {"axes": axes_with_preconisations()}
    )


def preconisation_detail(request, number):
    preconisation = get_object_or_404(Preconisation.objects.select_related("axis"), number=number)
    others = Preconisation.objects.only("number", "title")
    return render(
        request,
        "knowledge/preconisation_detail.html",
        {
            "preconisation": preconisation,
            "previous": others.filter(number__lt=number).order_by("-number").first(),
            "next": others.filter(number__gt=number).order_by("number").first(),
        },
    )
