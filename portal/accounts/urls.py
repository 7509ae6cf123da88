from django.urls import path

from portal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("compte/profil/", views.profile, name="profile"),
    path("compte/profil/modifier/", views.profile_edit, name="profile_edit"),
    path("compte/mes-donnees.json", views.data_export, name="data_export"),
    path("compte/supprimer/", views.account_delete, name="account_delete"),
    path("compte/jeton-api/", views.api_token, name="api_token"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<slug:slug>/gerer/", views.organisation_manage, name="organisation_manage"),
    path(
        "organisations/<slug:slug>/membres/<int:pk>/",
        views.membership_update,
        name="membership_update",
    ),
    path(
        "organisations/<slug:slug>/invitations/<int:pk>/retirer/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/personne/", views.invite_person, name="invite_person"),
    path("invitations/organisation/", views.invite_organisation, name="invite_organisation"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
