"""Read API of weak signals: what the last published recompute raised, with review status."""

import django_filters
from rest_framework import serializers, viewsets

from territories.choices import Level, SignalRule, SignalStatus
from territories.signals import selectors as signal_selectors
from territories.signals.models import WeakSignal


class SignalSerializer(serializers.ModelSerializer):
    level = serializers.CharField(source="territory.level", read_only=True)
    code = serializers.CharField(source="territory.code", read_only=True)
    name = serializers.CharField(source="territory.name", read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status = serializers.ChoiceField(
        source="review_status", choices=SignalStatus.choices, read_only=True
    )

    class Meta:
        model = WeakSignal
        fields = [
            "id",
            "run",
            "level",
            "code",
            "name",
            "rule",
            "indicator",
            "period",
            "score",
            "explanation",
            "details",
            "status",
        ]


class SignalFilter(django_filters.FilterSet):
    rule = django_filters.ChoiceFilter(choices=SignalRule.choices)
    level = django_filters.ChoiceFilter(field_name="territory__level", choices=Level.choices)
    territory = django_filters.CharFilter(field_name="territory__code", label="Territory code")
    status = django_filters.ChoiceFilter(field_name="review_status", choices=SignalStatus.choices)

    class Meta:
        model = WeakSignal
        fields = ["rule", "level", "territory", "status"]


class SignalViewSet(viewsets.ReadOnlyModelViewSet):
    """Weak signals of the last published recompute, the strongest first."""

    serializer_class = SignalSerializer
    filterset_class = SignalFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return WeakSignal.objects.none()
        return signal_selectors.signals_for_api()
