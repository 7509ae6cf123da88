from django.urls import path

from portal.committees.observations import views

urlpatterns = [
    path("comites/<slug:slug>/observations/", views.observation_list, name="observations"),
    path(
        "comites/<slug:slug>/observations/nouvelle/",
        views.observation_create,
        name="observation_create",
    ),
    path(
        "comites/<slug:slug>/observations/<int:pk>/",
        views.observation_detail,
        name="observation",
    ),
    path(
        "comites/<slug:slug>/observations/<int:pk>/modifier/",
        views.observation_edit,
        name="observation_edit",
    ),
    path(
        "comites/<slug:slug>/observations/<int:pk>/decision/",
        views.observation_decide,
        name="observation_decide",
    ),
    path(
        "comites/<slug:slug>/observations/<int:pk>/avis/",
        views.observation_review,
        name="observation_review",
    ),
]
