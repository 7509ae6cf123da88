"""Read API of territories, with their boundaries on request."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from territories.geography.models import Territory


class TerritorySerializer(serializers.ModelSerializer):
    departement = serializers.CharField(
        source="departement.code", default=None, read_only=True, allow_null=True
    )
    epci = serializers.CharField(source="epci.code", default=None, read_only=True, allow_null=True)

    class Meta:
        model = Territory
        fields = [
            "id",
            "level",
            "code",
            "name",
            "vintage",
            "kind",
            "siren",
            "postal_codes",
            "population",
            "population_total",
            "departement",
            "epci",
            "area_km2",
        ]


class TerritoryGeoSerializer(TerritorySerializer):
    geometry = serializers.JSONField(read_only=True)

    class Meta(TerritorySerializer.Meta):
        fields = [*TerritorySerializer.Meta.fields, "geometry"]


class TerritoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Name, code, SIREN or postal code")

    class Meta:
        model = Territory
        fields = ["level", "code", "vintage"]

    def search(self, queryset, name, value):
        return queryset.search(value)


class TerritoryQuerySerializer(serializers.Serializer):
    geometry = serializers.BooleanField(
        required=False, default=False, help_text="add the boundaries (GeoJSON)"
    )


class TerritoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Territories; add `geometry=true` to get their boundaries (GeoJSON)."""

    filterset_class = TerritoryFilter

    def get_queryset(self):
        # Only the columns shown: a département's or an EPCI's boundary is ~24 KB of JSON that
        # printing its code must not decode, and a territory's own only with geometry=true.
        columns = [
            *(f for f in TerritorySerializer.Meta.fields if f not in ("departement", "epci")),
            "departement__code",
            "epci__code",
        ]
        if self._with_geometry():
            columns.append("geometry")
        return (
            Territory.objects.select_related("departement", "epci")
            .only(*columns)
            .order_by("level", "code")
        )

    def _with_geometry(self):
        if not hasattr(self, "_geometry"):
            query = TerritoryQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            self._geometry = query.validated_data["geometry"]
        return self._geometry

    def get_serializer_class(self):
        return TerritoryGeoSerializer if self._with_geometry() else TerritorySerializer

    @extend_schema(parameters=[TerritoryQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
