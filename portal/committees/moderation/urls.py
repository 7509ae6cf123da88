from django.urls import path

from portal.committees.moderation import views

urlpatterns = [
    path("moderation/", views.overview, name="moderation_overview"),
    path("comites/<slug:slug>/moderation/", views.queue, name="moderation"),
    path("comites/<slug:slug>/moderation/journal/", views.moderation_log, name="moderation_log"),
    path(
        "comites/<slug:slug>/moderation/<int:post_id>/<str:decision>/",
        views.resolve,
        name="moderation_resolve",
    ),
    path("comites/<slug:slug>/messages/<int:post_id>/signaler/", views.report, name="report"),
    path("comites/<slug:slug>/sujets/<int:pk>/ralentir/", views.slow, name="thread_slow"),
    path("comites/<slug:slug>/sujets/<int:pk>/deplacer/", views.move, name="thread_move"),
]
