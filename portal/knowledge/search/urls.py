"""Reading addresses of the knowledge base, merged into the "knowledge" namespace.

They must come before "ressources/<slug>/" (the resource page), which would otherwise
take "recherche" and "flux" for slugs."""

from django.urls import path

from portal.knowledge.resources import feeds
from portal.knowledge.search import views as views_reading

urlpatterns = [
    path("ressources/recherche/", views_reading.search_page, name="search"),
    path("ressources/flux/", feeds.ResourcesFeed(), name="feed"),
    path("ressources/flux/theme/<slug:slug>/", feeds.ThemeFeed(), name="feed_theme"),
    path(
        "ressources/flux/preconisation/<int:number>/",
        feeds.PreconisationFeed(),
        name="feed_preconisation",
    ),
    path("ressources/<slug:slug>/recit/", views_reading.narrative, name="narrative"),
]
