from django.urls import path

from portal.committees.following import views

urlpatterns = [
    path("comites/<slug:slug>/forum/suivre/", views.follow, name="follow_forum"),
    path("comites/<slug:slug>/sujets/<int:pk>/suivre/", views.follow, name="follow_thread"),
]
