"""Writing and reading resources; feeds. Included in the "knowledge" namespace after the
addresses of search and curation (see portal/knowledge/urls.py)."""

from django.urls import path

from portal.knowledge.resources import feeds, views

urlpatterns = [
    # Before "ressources/<slug:slug>/", which would take "flux" for a slug.
    path("ressources/flux/", feeds.ResourcesFeed(), name="feed"),
    path("ressources/flux/theme/<slug:slug>/", feeds.ThemeFeed(), name="feed_theme"),
    path(
        "ressources/flux/preconisation/<int:number>/",
        feeds.PreconisationFeed(),
        name="feed_preconisation",
    ),
    path("ressources/nouvelle/", views.resource_create, name="resource_create"),
    path("ressources/mes-ressources/", views.my_resources, name="resource_mine"),
    path("ressources/<slug:slug>/", views.resource_detail, name="resource_detail"),
    path("ressources/<slug:slug>/gerer/", views.resource_manage, name="resource_manage"),
    path("ressources/<slug:slug>/modifier/", views.resource_edit, name="resource_edit"),
    path(
        "ressources/<slug:slug>/pieces-jointes/",
        views.attachment_upload,
        name="resource_attachments",
    ),
    path("pieces-jointes/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("ressources/<slug:slug>/versions/", views.revision_list, name="resource_revisions"),
    path(
        "ressources/<slug:slug>/versions/<int:number>/restaurer/",
        views.revision_restore,
        name="revision_restore",
    ),
]
