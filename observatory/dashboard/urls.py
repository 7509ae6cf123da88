from django.urls import path

from observatory.dashboard import views

urlpatterns = [
    path("", views.home, name="home"),
    path("tableau-de-bord/export.<str:fmt>", views.export, name="dashboard_export"),
]
