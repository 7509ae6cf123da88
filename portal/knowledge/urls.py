from django.urls import path

from portal.knowledge.reference import views
from portal.knowledge.resources import urls as urls_resources
from portal.knowledge.search import urls as urls_reading

app_name = "knowledge"

urlpatterns = [
    path("preconisations/", views.preconisation_list, name="preconisation_list"),
    path("preconisations/<int:number>/", views.preconisation_detail, name="preconisation_detail"),
]
urlpatterns += urls_reading.urlpatterns
urlpatterns += urls_resources.urlpatterns
