from django.urls import path

from portal.knowledge.curation import views

urlpatterns = [
    path("ressources/a-relire/", views.review_queue, name="resource_queue"),
    path(
        "ressources/<slug:slug>/etape/<str:action>/",
        views.resource_transition,
        name="resource_transition",
    ),
]
