from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from territories.catalogue import selectors
from territories.choices import Level
from territories.imports import services
from territories.imports.forms import ImportForm
from territories.models import DataImport, Indicator, Territory
from territories.portraits import portrait
from territories.signals import selectors as signal_selectors


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("You are not allowed to do this."))


def territory_search(request):
    query = request.GET.get("q", "").strip()[:100]
    results = selectors.search_territories(query) if query else []
    return render(request, "territories/search.html", {"query": query, "results": results})


def territory_detail(request, level, code):
    if level not in Level.values:
        from django.http import Http404

        raise Http404
    territory = get_object_or_404(
        Territory.objects.select_related("region", "departement", "epci"), level=level, code=code
    )
    context = {
        "territory": territory,
        "portrait": portrait.portrait(territory),
        "members": selectors.territory_members(territory=territory),
        "departements": selectors.epci_departements(epci=territory)
        if level == Level.EPCI
        else None,
        "signals": signal_selectors.territory_signals(territory=territory),
        "is_following": signal_selectors.is_following(user=request.user, territory=territory),
        "sections": portrait.sections_for(territory, request),
    }
    return render(request, "territories/territory_detail.html", context)


def territory_compare(request):
    """Up to four territories side by side, chosen by name or code."""
    queries = [q for q in request.GET.getlist("t") if q.strip()][:4]
    chosen, unknown = [], []
    for query in queries:
        found, problem = portrait.resolve(query)
        if found is not None and found not in chosen:
            chosen.append(found)
        elif problem:
            unknown.append(problem)
    slots = [t.level + "/" + t.code for t in chosen] + [""] * (4 - len(chosen))
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


def indicator_list(request):
    return render(
        request, "territories/indicator_list.html", {"indicators": selectors.indicator_catalogue()}
    )


def indicator_detail(request, slug):
    indicator = get_object_or_404(
        Indicator.objects.select_related("denominator", "numerator"), slug=slug
    )
    return render(request, "territories/indicator_detail.html", {"indicator": indicator})


@login_required
def import_list(request):
    _require(request, "territories.import_data")
    imports = DataImport.objects.select_related("created_by", "job")[:100]
    return render(request, "territories/import_list.html", {"imports": imports})


@login_required
def import_create(request):
    _require(request, "territories.import_data")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data_import = services.data_import_create(
            kind=form.cleaned_data["kind"],
            uploaded=form.cleaned_data["file"],
            options=form.options(),
            user=request.user,
        )
        messages.success(request, _("The file was received; the import runs in the background."))
        return redirect(data_import)
    return render(
        request,
        "territories/import_form.html",
        {"form": form, "indicators": selectors.indicator_catalogue()},
    )


@login_required
def import_detail(request, pk):
    _require(request, "territories.import_data")
    data_import = get_object_or_404(DataImport.objects.select_related("job", "created_by"), pk=pk)
    return render(request, "territories/import_detail.html", {"import": data_import})


@login_required
def run_list(request):
    _require(request, "territories.view_runs")
    return render(request, "territories/run_list.html", {"runs": selectors.recent_runs()})
