from django.urls import path

from portal.knowledge.search import views

urlpatterns = [
    path("ressources/recherche/", views.search_page, name="search"),
]
