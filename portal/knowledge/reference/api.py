from rest_framework import routers, serializers, viewsets

from portal.knowledge.models import Axis, Preconisation


class AxisSerializer(serializers.ModelSerializer):
    class Meta:
        model = Axis
        fields = ["number", "title", "description"]


class PreconisationSerializer(serializers.ModelSerializer):
    axis = serializers.IntegerField(source="axis.number", read_only=True)
    indicators = serializers.ListField(
        source="indicator_slugs", child=serializers.SlugField(), read_only=True
    )

    class Meta:
        model = Preconisation
        fields = ["number", "axis", "title", "kind", "summary", "portal_answer", "indicators"]


class AxisViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Axis.objects.order_by("number")
    serializer_class = AxisSerializer
    lookup_field = "number"
    pagination_class = None


class PreconisationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Preconisation.objects.select_related("axis").order_by("number")
    serializer_class = PreconisationSerializer
    lookup_field = "number"
    filterset_fields = ["axis__number"]
    pagination_class = None


router = routers.SimpleRouter()
router.register("axes", AxisViewSet)
router.register("preconisations", PreconisationViewSet)
