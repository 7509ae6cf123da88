from django.urls import path

from portal.committees import views
from portal.committees.attendance.urls import urlpatterns as attendance_urls
from portal.committees.calendars.urls import urlpatterns as calendars_urls
from portal.committees.following.urls import urlpatterns as following_urls
from portal.committees.forums.urls import urlpatterns as forums_urls
from portal.committees.meetings.urls import urlpatterns as meetings_urls
from portal.committees.membership.urls import urlpatterns as membership_urls
from portal.committees.minutes.urls import urlpatterns as minutes_urls
from portal.committees.moderation.urls import urlpatterns as moderation_urls
from portal.committees.observations.urls import urlpatterns as observations_urls

app_name = "committees"

urlpatterns = [
    path("comites/", views.committee_list, name="list"),
    path("comites/<slug:slug>/", views.committee_detail, name="detail"),
    *membership_urls,
    # Before the forums' « sujets/<pk>/<action>/ » and « messages/<id>/<action>/ »:
    *following_urls,
    *moderation_urls,
    *forums_urls,
    # Before the meetings' « rencontres/<pk>/ »: the feeds and pages named by a word.
    *calendars_urls,
    *meetings_urls,
    *attendance_urls,
    *minutes_urls,
    *observations_urls,
]
