from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("taches/", views.job_list, name="list"),
    path("taches/<uuid:pk>/", views.job_detail, name="detail"),
    path("taches/<uuid:pk>/etat.json", views.job_status, name="status"),
]
