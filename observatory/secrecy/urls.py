from django.urls import path

from observatory.secrecy import views

urlpatterns = [
    path("secret-statistique/", views.audit_detail, name="secrecy_audit"),
]
