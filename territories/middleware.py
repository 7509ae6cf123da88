import re

from territories.maps import views as views_maps

LAYER_PATH = re.compile(
    r"^/carte/(?:geometrie/(?P<level>[a-z]+)\.geojson|couche/(?P<slug>[-\w]+)/(?P<layer_level>[a-z]+)/(?P<period>\d{4})\.json)$"
)


class MapLayerMiddleware:
    """Serve the stored map layers before sessions, authentication and the rest, which they
    do not need: a layer then costs about what a static file costs (see bench/layers.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = LAYER_PATH.match(request.path_info)
        if match is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        try:
            if match["level"]:
                return views_maps.geometry(request, match["level"])
            return views_maps.layer(request, match["slug"], match["layer_level"], match["period"])
        except views_maps.Http404:
            return self.get_response(request)
