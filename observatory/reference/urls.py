from django.urls import path

from observatory.reference import views

urlpatterns = [
    path("metiers/", views.profession_list, name="profession_list"),
]
