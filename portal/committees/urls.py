from django.urls import path

from portal.committees import views

app_name = "committees"

urlpatterns = [
    path("comites/", views.committee_list, name="list"),
    path("comites/<slug:slug>/", views.committee_detail, name="detail"),
]
