"""The map explorer and the stored layers it reads (ETag, gzip); nothing is computed here."""

import json

from csp.decorators import csp_exempt
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import condition, require_GET

from territories.catalogue import exports
from territories.catalogue.models import Indicator
from territories.choices import ClassificationMethod, Level, value_status_label
from territories.geography.models import Territory
from territories.maps import explorer
from territories.maps import stored as stored_layers
from territories.maps.models import LayerGeometry, MapLayer
from territories.pipeline.selectors import published_run_id
from territories.portraits.sections import sections_for

# Layers and boundaries are data for the explorer's script, as the static files they stand
# for: no Content-Security-Policy or frame policy to build for them.


def _geometry_etag(request, level):
    return stored_layers.geometry(level=level).etag()


def _layer_etag(request, slug, level, period):
    return stored_layers.layer(slug=slug, level=level, period=period).etag()


def _serve(request, stored, *, content_type, max_age, missing):
    """The stored bytes, gzip-compressed when the client accepts it; the ETag is the one
    read here, with the bytes (Django's `condition` answered If-None-Match before)."""
    etag = stored.etag()
    if etag is None:
        raise Http404(missing)
    compressed = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(stored.content(gzip=compressed), content_type=content_type)
    if compressed:
        response["Content-Encoding"] = "gzip"
    response["ETag"] = quote_etag(etag)
    patch_vary_headers(response, ["Accept-Encoding"])
    patch_cache_control(response, public=True, max_age=max_age)
    return response


@require_GET
@csp_exempt()
@xframe_options_exempt
@condition(etag_func=_geometry_etag)
def geometry(request, level):
    return _serve(
        request,
        stored_layers.geometry(level=level),
        content_type="application/geo+json",
        max_age=3600,
        missing=_("No boundaries for this level yet."),
    )


def _layer(slug, level, period, *fields):
    layer = (
        MapLayer.objects.filter(
            run_id=published_run_id(), indicator__slug=slug, level=level, period=period
        )
        .only(*fields)
        .first()
    )
    if layer is None:
        raise Http404(_("This map does not exist (indicator, level or period)."))
    return layer


@require_GET
@csp_exempt()
@xframe_options_exempt
@condition(etag_func=_layer_etag)
def layer(request, slug, level, period):
    return _serve(
        request,
        stored_layers.layer(slug=slug, level=level, period=period),
        content_type="application/json",
        max_age=60,
        missing=_("This map does not exist (indicator, level or period)."),
    )


@require_GET
def layer_image(request, slug, level, period):
    stored = _layer(slug, level, period, "image", "etag")
    if stored.image is None:
        raise Http404(_("The image of this map is still being drawn; try again in a minute."))
    response = HttpResponse(bytes(stored.image), content_type="image/png")
    response["ETag"] = f'"{stored.etag}"'
    return response


def explorer_page(request):
    def page():
        offered = explorer.options()
        state, errors = explorer.state_from(request.GET, offered=offered)
        choice = explorer.choice(offered, state)
        epci_url = None
        if request.GET.get("niveau") == Level.COMMUNE and choice["from_epci"]:
            # Values that start at the EPCI level (published ones): one click to their map.
            params = request.GET.copy()
            params["niveau"] = Level.EPCI
            params["periode"] = state["period"]
            epci_url = f"{request.path}?{params.urlencode()}"
        return {
            "state": state,
            "errors": errors,
            "options": offered,
            "choice": choice,
            "epci_url": epci_url,
            "labels": explorer.labels(),
            "tiles_url": settings.MAP_TILES_URL,
        }

    # The same for every reader: computed only when the kept fragment misses (portal.pagecache).
    return render(request, "territories/explorer.html", {"kept_context": page})


@require_GET
def territory_panel(request, level, code):
    """The explorer's side panel for a clicked territory: its name, a link to its portrait
    and what other apps hold for it (the portrait's registered sections)."""
    if level not in Level.values:
        raise Http404
    territory = get_object_or_404(Territory, level=level, code=code)
    return render(
        request,
        "territories/_explorer_panel.html",
        {"territory": territory, "sections": sections_for(territory, request)},
    )


def _export_parameters(document, state):
    """(label, value) pairs saying what a map export holds and where it comes from."""
    described = explorer.describe(document, state)
    method = dict(ClassificationMethod.choices).get(state["method"], state["method"])
    pairs = [
        (_("Indicator"), f"{described['name']} ({described['indicator']})"),
        (_("Unit"), described["unit"]),
        (_("Level"), Level(state["level"]).label),
        (_("Period"), state["period"]),
        (_("Classification"), method),
        (_("Number of classes"), len(described["bounds"])),
        (_("Upper bounds of the classes"), " ; ".join(str(b) for b in described["bounds"])),
        (_("Source"), described["source"]),
        (_("Computed on"), described["computed_at"]),
        (_("Exported on"), timezone.now().isoformat(timespec="seconds")),
    ]
    if Indicator.objects.filter(slug=described["indicator"], is_demo=True).exists():
        pairs.append((_("Remark"), _("Fictitious demonstration data")))
    return pairs


def export(request, fmt):
    """The map as the explorer shows it: its table (CSV, CSV for French spreadsheets, XLSX
    with its parameters) or GeoJSON with its parameters."""
    if fmt not in (*exports.TABLE_FORMATS, "geojson"):
        raise Http404(_("Unknown export format."))
    state, errors = explorer.state_from(request.GET)
    if errors:
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
    stored = _layer(state["indicator"], state["level"], state["period"], "content")
    document = json.loads(bytes(stored.content))
    problem = explorer.check_breaks_range(document, state["breaks"])
    if problem:
        return HttpResponse(problem, status=400, content_type="text/plain; charset=utf-8")
    names = dict(Territory.objects.filter(level=state["level"]).values_list("code", "name"))
    rows = explorer.classified_rows(document, state, names=names)
    name = f"cohesion-{state['indicator']}-{state['level']}-{state['period']}"
    if fmt in exports.TABLE_FORMATS:
        # A download for people: the status in words (the API keeps its codes).
        return exports.table_response(
            fmt=fmt,
            columns=["code", "nom", "valeur", "statut", "couverture", "rang", "classe"],
            rows=(
                [
                    row["code"],
                    row["name"],
                    row["value"],
                    value_status_label(row["status"]),
                    row["coverage"],
                    row["rank"],
                    row["class"],
                ]
                for row in rows
            ),
            parameters=_export_parameters(document, state),
            filename=name,
        )
    parameters = explorer.describe(document, state) | {"exported_at": timezone.now().isoformat()}
    boundaries = LayerGeometry.objects.filter(level=state["level"]).only("content").first()
    features = json.loads(bytes(boundaries.content))["features"] if boundaries else []
    by_code = {row["code"]: row for row in rows}
    for feature in features:
        feature["properties"].update(by_code.get(feature["id"], {}))
    return exports.geojson_response(
        features=features, metadata=parameters, filename=f"{name}.geojson"
    )
