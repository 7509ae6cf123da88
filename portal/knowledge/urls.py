from django.urls import path

from portal.knowledge import urls_reading, urls_resources, views

app_name = "knowledge"

urlpatterns = [
    path("preconisations/", views.preconisation_list, name="preconisation_list"),
    path("preconisations/<int:number>/", views.preconisation_detail, name="preconisation_detail"),
]
urlpatterns += urls_reading.urlpatterns
urlpatterns += urls_resources.urlpatterns
