from django.urls import path

from portal.committees.membership import views

urlpatterns = [
    path("comites/<slug:slug>/rejoindre/", views.join, name="join"),
    path("comites/<slug:slug>/quitter/", views.leave, name="leave"),
    path("comites/<slug:slug>/membres/", views.members, name="members"),
    path("comites/<slug:slug>/membres/ajouter/", views.seat, name="member_seat"),
    path(
        "comites/<slug:slug>/demandes/<int:pk>/<str:action>/",
        views.request_decide,
        name="request_decide",
    ),
    path(
        "comites/<slug:slug>/membres/<int:pk>/<str:action>/",
        views.member_change,
        name="member_change",
    ),
]
