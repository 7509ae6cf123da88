from django.urls import path

from portal.committees.calendars import views

urlpatterns = [
    path("rencontres/<int:pk>/calendrier.ics", views.meeting_ics, name="meeting_ics"),
    path("comites/<slug:slug>/rencontres.ics", views.committee_ics, name="committee_ics"),
    path("rencontres/agenda/<str:token>.ics", views.personal_ics, name="personal_ics"),
    path("rencontres/mon-agenda/", views.calendar_settings, name="calendar_settings"),
]
