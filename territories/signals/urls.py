from django.urls import path

from territories.signals import views

app_name = "signals"

# Paths under territoires/ keep three segments or one: two would be taken by the territory
# page (territoires/<level>/<code>/), included before this file.
urlpatterns = [
    path("territoires/signaux/", views.signal_list, name="list"),
    path("territoires/signaux/<int:pk>/avis/", views.signal_review, name="review"),
    path("territoires/<str:level>/<str:code>/suivre/", views.territory_follow, name="follow"),
    path(
        "territoires/<str:level>/<str:code>/ne-plus-suivre/",
        views.territory_unfollow,
        name="unfollow",
    ),
]
