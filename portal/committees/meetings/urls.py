from django.urls import path

from portal.committees.meetings import views

urlpatterns = [
    path("rencontres/", views.agenda, name="agenda"),
    path("rencontres/<int:pk>/", views.meeting_detail, name="meeting"),
    path("comites/<slug:slug>/rencontres/nouvelle/", views.meeting_create, name="meeting_create"),
    path("rencontres/<int:pk>/modifier/", views.meeting_update, name="meeting_update"),
    path("rencontres/<int:pk>/annuler/", views.meeting_cancel, name="meeting_cancel"),
    path("rencontres/<int:pk>/inscription/", views.register, name="meeting_register"),
    path("rencontres/<int:pk>/desinscription/", views.unregister, name="meeting_unregister"),
    path("rencontres/<int:pk>/confirmation/", views.confirm, name="meeting_confirm"),
    path("rencontres/<int:pk>/inscriptions/", views.registrations, name="meeting_registrations"),
]
