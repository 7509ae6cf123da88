from django.urls import path

from portal.knowledge.reference import views

urlpatterns = [
    path("preconisations/", views.preconisation_list, name="preconisation_list"),
    path("preconisations/<int:number>/", views.preconisation_detail, name="preconisation_detail"),
]
