from django.urls import path

from portal.knowledge.narrative import views

urlpatterns = [
    path("ressources/<slug:slug>/recit/", views.narrative, name="narrative"),
    path("ressources/<slug:slug>/etapes/", views.narrative_steps, name="narrative_steps"),
]
