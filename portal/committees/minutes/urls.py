from django.urls import path

from portal.committees.minutes import views

urlpatterns = [
    path("rencontres/<int:pk>/compte-rendu/", views.minutes_edit, name="minutes_edit"),
    path(
        "rencontres/<int:pk>/compte-rendu/capitaliser/",
        views.minutes_capitalise,
        name="minutes_capitalise",
    ),
    path(
        "rencontres/<int:pk>/actions/<int:item>/faite/",
        views.action_done,
        name="minutes_action_done",
    ),
]
