from django.urls import path

from territories import views

app_name = "territories"

urlpatterns = [
    path("territoires/", views.territory_search, name="search"),
    path("territoires/imports/", views.import_list, name="import_list"),
    path("territoires/imports/nouveau/", views.import_create, name="import_create"),
    path("territoires/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("territoires/recalculs/", views.run_list, name="run_list"),
    path("territoires/<str:level>/<str:code>/", views.territory_detail, name="territory_detail"),
    path("indicateurs/", views.indicator_list, name="indicator_list"),
    path("indicateurs/<slug:slug>/", views.indicator_detail, name="indicator_detail"),
]
