from django.urls import path

from observatory.returns import views

urlpatterns = [
    path("mes-declarations/", views.my_returns, name="my_returns"),
    path("declarations/a-valider/", views.return_queue, name="return_queue"),
    path("declarations/<int:pk>/", views.return_detail, name="return_detail"),
    path("declarations/<int:pk>/saisie/", views.return_edit, name="return_edit"),
    path("declarations/<int:pk>/enregistrer/", views.return_save, name="return_save"),
    path("declarations/<int:pk>/envoyer/", views.return_submit, name="return_submit"),
    path("declarations/<int:pk>/corriger/", views.return_reopen, name="return_reopen"),
    path("declarations/<int:pk>/renvoyer/", views.return_send_back, name="return_send_back"),
    path("declarations/<int:pk>/valider/", views.return_validate, name="return_validate"),
    path("declarations/<int:pk>/versions/", views.return_versions, name="return_versions"),
]
