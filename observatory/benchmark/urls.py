from django.urls import path

from observatory.benchmark import views

urlpatterns = [
    path("comparaison/<slug:organisation>/", views.benchmark_page, name="benchmark"),
    path(
        "comparaison/<slug:organisation>/rapport.pdf",
        views.benchmark_report,
        name="benchmark_report",
    ),
]
