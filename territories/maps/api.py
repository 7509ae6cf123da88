"""Read API for map layers: the stored layer of an indicator × level × period."""

import json

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from territories.maps.models import MapLayer
from territories.pipeline.selectors import published_run_id


class MapLayerSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = MapLayer
        fields = ["indicator", "level", "period", "etag", "url"]

    def get_url(self, layer) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(
            f"/carte/couche/{layer.indicator.slug}/{layer.level}/{layer.period}.json"
        )


class MapLayerFilter(django_filters.FilterSet):
    indicator = django_filters.CharFilter(
        field_name="indicator__slug", label="Indicator identifier (slug)"
    )

    class Meta:
        model = MapLayer
        fields = ["indicator", "level", "period"]


class MapLayerViewSet(viewsets.ReadOnlyModelViewSet):
    """The map layers of the last recompute.

    `retrieve` returns the layer document: values, coverage, ranks and the class bounds of
    every method. Boundaries are at /carte/geometrie/<level>.geojson.
    """

    serializer_class = MapLayerSerializer
    filterset_class = MapLayerFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return MapLayer.objects.none()
        queryset = (
            MapLayer.objects.filter(run_id=published_run_id())
            .select_related("indicator")
            .defer("content", "content_gzip", "image")
            .order_by("indicator__slug", "level", "period")
        )
        return queryset

    @extend_schema(responses={200: dict})
    def retrieve(self, request, *args, **kwargs):
        layer = MapLayer.objects.only("content").get(pk=self.get_object().pk)
        return Response(json.loads(bytes(layer.content)))
