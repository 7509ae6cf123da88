from django.urls import path

from observatory.returns import upload_views

urlpatterns = [
    path(
        "campagnes/<int:year>/<slug:organisation>/modele.<str:fmt>",
        upload_views.return_template,
        name="return_template",
    ),
    path(
        "campagnes/<int:year>/<slug:organisation>/televerser/",
        upload_views.return_upload,
        name="return_upload",
    ),
    path(
        "campagnes/<int:year>/<slug:organisation>/televerser/<uuid:job>/",
        upload_views.return_upload_result,
        name="return_upload_result",
    ),
]
