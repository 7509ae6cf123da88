from django.urls import path

from territories.catalogue import views as catalogue_views
from territories.geography import views as geography_views
from territories.imports import views as imports_views
from territories.maps import views as maps_views
from territories.maps.crossed import views as crossed_views
from territories.pipeline import views as pipeline_views
from territories.portraits import views as portraits_views

app_name = "territories"

# The territory page (territoires/<level>/<code>/) comes after the other two-segment paths
# under territoires/, which it would otherwise take.
urlpatterns = [
    path("territoires/", geography_views.territory_search, name="search"),
    path("territoires/comparer/", portraits_views.territory_compare, name="compare"),
    path("territoires/imports/", imports_views.import_list, name="import_list"),
    path("territoires/imports/nouveau/", imports_views.import_create, name="import_create"),
    path("territoires/imports/<int:pk>/", imports_views.import_detail, name="import_detail"),
    path("territoires/recalculs/", pipeline_views.run_list, name="run_list"),
    path("territoires/recalculs/<int:pk>/etat/", pipeline_views.run_status, name="run_status"),
    path(
        "territoires/<str:level>/<str:code>/",
        portraits_views.territory_detail,
        name="territory_detail",
    ),
    path("carte/", maps_views.explorer_page, name="explorer"),
    path("carte/geometrie/<str:level>.geojson", maps_views.geometry, name="map_geometry"),
    path(
        "carte/couche/<slug:slug>/<str:level>/<int:period>.json",
        maps_views.layer,
        name="map_layer",
    ),
    path(
        "carte/image/<slug:slug>/<str:level>/<int:period>.png",
        maps_views.layer_image,
        name="map_image",
    ),
    path("carte/export.<str:fmt>", maps_views.export, name="map_export"),
    path("carte/croiser/", crossed_views.crossed_page, name="crossed"),
    path("carte/croiser/export.<str:fmt>", crossed_views.crossed_export, name="crossed_export"),
    path(
        "carte/territoire/<str:level>/<str:code>/",
        maps_views.territory_panel,
        name="map_territory_panel",
    ),
    path("indicateurs/", catalogue_views.indicator_list, name="indicator_list"),
    path("indicateurs/<slug:slug>/", catalogue_views.indicator_detail, name="indicator_detail"),
]
