from django.urls import path

from territories.maps import views as views_maps
from territories.portraits import views

app_name = "territories"

urlpatterns = [
    path("territoires/", views.territory_search, name="search"),
    path("territoires/comparer/", views.territory_compare, name="compare"),
    path("territoires/imports/", views.import_list, name="import_list"),
    path("territoires/imports/nouveau/", views.import_create, name="import_create"),
    path("territoires/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("territoires/recalculs/", views.run_list, name="run_list"),
    path("territoires/<str:level>/<str:code>/", views.territory_detail, name="territory_detail"),
    path("carte/", views_maps.explorer_page, name="explorer"),
    path("carte/geometrie/<str:level>.geojson", views_maps.geometry, name="map_geometry"),
    path(
        "carte/couche/<slug:slug>/<str:level>/<int:period>.json",
        views_maps.layer,
        name="map_layer",
    ),
    path(
        "carte/image/<slug:slug>/<str:level>/<int:period>.png",
        views_maps.layer_image,
        name="map_image",
    ),
    path("carte/export.<str:fmt>", views_maps.export, name="map_export"),
    path(
        "carte/territoire/<str:level>/<str:code>/",
        views_maps.territory_panel,
        name="map_territory_panel",
    ),
    path("indicateurs/", views.indicator_list, name="indicator_list"),
    path("indicateurs/<slug:slug>/", views.indicator_detail, name="indicator_detail"),
]
