from django.urls import path

from observatory.campaigns import views

urlpatterns = [
    path("campagnes/", views.campaign_list, name="campaign_list"),
    path("campagnes/nouvelle/", views.campaign_create, name="campaign_create"),
    path("campagnes/<int:year>/", views.campaign_detail, name="campaign_detail"),
    path("campagnes/<int:year>/modifier/", views.campaign_edit, name="campaign_edit"),
    path("campagnes/<int:year>/inviter/", views.campaign_invite, name="campaign_invite"),
    path(
        "campagnes/<int:year>/retirer/<int:pk>/",
        views.campaign_withdraw,
        name="campaign_withdraw",
    ),
    path(
        "campagnes/<int:year>/completude/",
        views.campaign_completeness,
        name="campaign_completeness",
    ),
    path(
        "campagnes/<int:year>/a-relancer.csv",
        views.campaign_reminders_export,
        name="campaign_reminders_export",
    ),
]
