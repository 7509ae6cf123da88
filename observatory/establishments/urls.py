from django.urls import path

from observatory.establishments import views

urlpatterns = [
    path(
        "etablissements/<slug:organisation>/",
        views.establishment_list,
        name="establishment_list",
    ),
    path(
        "etablissements/<slug:organisation>/ajouter/",
        views.establishment_create,
        name="establishment_create",
    ),
    path(
        "etablissements/modifier/<int:pk>/",
        views.establishment_edit,
        name="establishment_edit",
    ),
]
