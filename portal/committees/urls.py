from django.urls import path

from portal.committees import views
from portal.committees.forums.urls import urlpatterns as forums_urls
from portal.committees.membership.urls import urlpatterns as membership_urls

app_name = "committees"

urlpatterns = [
    path("comites/", views.committee_list, name="list"),
    path("comites/<slug:slug>/", views.committee_detail, name="detail"),
    *membership_urls,
    *forums_urls,
]
