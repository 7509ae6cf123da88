"""Authoring and curation of resources; included in the "knowledge" namespace."""

from django.urls import path

from portal.knowledge.resources import views

urlpatterns = [
    path("ressources/nouvelle/", views.resource_create, name="resource_create"),
    path("ressources/mes-ressources/", views.my_resources, name="resource_mine"),
    path("ressources/a-relire/", views.review_queue, name="resource_queue"),
    path("ressources/<slug:slug>/", views.resource_detail, name="resource_detail"),
    path("ressources/<slug:slug>/gerer/", views.resource_manage, name="resource_manage"),
    path("ressources/<slug:slug>/modifier/", views.resource_edit, name="resource_edit"),
    path(
        "ressources/<slug:slug>/etape/<str:action>/",
        views.resource_transition,
        name="resource_transition",
    ),
    path(
        "ressources/<slug:slug>/pieces-jointes/",
        views.attachment_upload,
        name="resource_attachments",
    ),
    path("pieces-jointes/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("ressources/<slug:slug>/versions/", views.revision_list, name="resource_revisions"),
    path("ressources/<slug:slug>/etapes/", views.narrative_steps, name="narrative_steps"),
    path(
        "ressources/<slug:slug>/versions/<int:number>/restaurer/",
        views.revision_restore,
        name="revision_restore",
    ),
]
