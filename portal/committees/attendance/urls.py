from django.urls import path

from portal.committees.attendance import views

urlpatterns = [
    path("rencontres/<int:pk>/presences/", views.attendance, name="meeting_attendance"),
    path("rencontres/<int:pk>/presences.csv", views.attendance_csv, name="meeting_attendance_csv"),
    path("rencontres/<int:pk>/emargement.pdf", views.sign_in_sheet, name="meeting_sign_in_sheet"),
    path("rencontres/<int:pk>/attestation.pdf", views.certificate, name="meeting_certificate"),
]
