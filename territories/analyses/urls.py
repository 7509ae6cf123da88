from django.urls import path

from territories.analyses import views

app_name = "analysis"

urlpatterns = [
    path("analyses/indices/", views.composite_list, name="composite_list"),
    path("analyses/indices/nouveau/", views.composite_edit, name="composite_create"),
    path("analyses/indices/<slug:slug>/", views.composite_detail, name="composite_detail"),
    path("analyses/indices/<slug:slug>/modifier/", views.composite_edit, name="composite_edit"),
    path("analyses/typologies/", views.typology_list, name="typology_list"),
    path("analyses/typologies/nouvelle/", views.typology_edit, name="typology_create"),
    path("analyses/typologies/<slug:slug>/", views.typology_detail, name="typology_detail"),
    path("analyses/typologies/<slug:slug>/modifier/", views.typology_edit, name="typology_edit"),
    path(
        "analyses/typologies/<slug:slug>/libelles/", views.typology_labels, name="typology_labels"
    ),
]
