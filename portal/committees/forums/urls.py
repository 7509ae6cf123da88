from django.urls import path

from portal.committees.forums import views

urlpatterns = [
    path("comites/<slug:slug>/forum/", views.forum, name="forum"),
    path("comites/<slug:slug>/forum/nouveau/", views.thread_create, name="thread_create"),
    path("comites/<slug:slug>/forum/liens/", views.link_suggestions, name="links"),
    path("comites/<slug:slug>/sujets/<int:pk>/", views.thread, name="thread"),
    path("comites/<slug:slug>/sujets/<int:pk>/repondre/", views.reply, name="reply"),
    path(
        "comites/<slug:slug>/sujets/<int:pk>/categorie/",
        views.thread_category,
        name="thread_category",
    ),
    path("comites/<slug:slug>/forum/categories/", views.forum_categories, name="forum_categories"),
    path(
        "comites/<slug:slug>/forum/categories/<int:pk>/",
        views.forum_category,
        name="forum_category",
    ),
    path(
        "comites/<slug:slug>/forum/categories/<int:pk>/supprimer/",
        views.forum_category_delete,
        name="forum_category_delete",
    ),
    path(
        "comites/<slug:slug>/pieces-jointes/<int:pk>/",
        views.attachment_download,
        name="post_attachment",
    ),
    path(
        "comites/<slug:slug>/sujets/<int:pk>/<str:action>/",
        views.thread_action,
        name="thread_action",
    ),
    path("comites/<slug:slug>/messages/<int:post_id>/modifier/", views.post_edit, name="post_edit"),
    path(
        "comites/<slug:slug>/messages/<int:post_id>/historique/",
        views.post_history,
        name="post_history",
    ),
    path(
        "comites/<slug:slug>/messages/<int:post_id>/<str:action>/",
        views.post_action,
        name="post_action",
    ),
]
