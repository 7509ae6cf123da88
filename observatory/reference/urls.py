from django.urls import path

from observatory.reference import views

urlpatterns = [
    path("", views.home, name="home"),
    path("metiers/", views.profession_list, name="profession_list"),
]
