from django.urls import include, path

app_name = "observatory"

urlpatterns = [
    path("observatoire/", include("observatory.dashboard.urls")),
    path("observatoire/", include("observatory.reference.urls")),
    path("observatoire/", include("observatory.establishments.urls")),
    path("observatoire/", include("observatory.campaigns.urls")),
    path("observatoire/", include("observatory.returns.urls")),
    path("observatoire/", include("observatory.returns.upload_urls")),
    path("observatoire/", include("observatory.secrecy.urls")),
    path("observatoire/", include("observatory.benchmark.urls")),
]
