"""Read API of analyses: composite indexes and typologies, as the published run holds them."""

from rest_framework import serializers, viewsets

from territories.analyses import selectors as analysis_selectors
from territories.analyses.models import CompositeIndex, Typology


class ComponentSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="indicator.slug")
    name = serializers.CharField(source="indicator.name")
    period = serializers.IntegerField()
    weight = serializers.FloatField()
    reverse = serializers.BooleanField()


class CompositeResultSerializer(serializers.Serializer):
    territories = serializers.IntegerField()
    excluded = serializers.IntegerField()
    sensitivity = serializers.JSONField()
    error = serializers.CharField()


class CompositeSerializer(serializers.Serializer):
    slug = serializers.CharField(source="indicator.slug")
    name = serializers.CharField(source="indicator.name")
    definition = serializers.CharField(source="indicator.definition")
    polarity = serializers.CharField(source="indicator.polarity")
    level = serializers.CharField()
    period = serializers.IntegerField()
    normalisation = serializers.CharField()
    components = ComponentSerializer(many=True, source="components.all")
    result = serializers.SerializerMethodField()

    def get_result(self, composite) -> dict | None:
        result = analysis_selectors.composite_result(composite=composite)
        return CompositeResultSerializer(result).data if result else None


class CompositeViewSet(viewsets.ReadOnlyModelViewSet):
    """Composite indexes: components, weights, and the rank sensitivity of the published run.

    The values themselves are those of the index's indicator (`/values/?indicator=…`).
    """

    serializer_class = CompositeSerializer
    lookup_field = "indicator__slug"
    lookup_url_kwarg = "slug"
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return CompositeIndex.objects.none()
        return analysis_selectors.composites_published()


class VariableSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="indicator.slug")
    name = serializers.CharField(source="indicator.name")
    period = serializers.IntegerField()


class ClassMeanSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    period = serializers.IntegerField()
    mean = serializers.FloatField()
    overall = serializers.FloatField()


class ClassSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    size = serializers.IntegerField()
    label = serializers.CharField(allow_blank=True)
    means = ClassMeanSerializer(many=True)


class TypologySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    level = serializers.CharField()
    method = serializers.CharField()
    seed = serializers.IntegerField()
    variables = VariableSerializer(many=True, source="variables.all")
    k = serializers.SerializerMethodField()
    silhouette = serializers.SerializerMethodField()
    silhouettes = serializers.SerializerMethodField()
    excluded = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()
    classes = serializers.SerializerMethodField()

    def _result(self, typology):
        return analysis_selectors.typology_result(typology=typology)

    def get_k(self, typology) -> int | None:
        result = self._result(typology)
        return result.k if result and not result.error else None

    def get_silhouette(self, typology) -> float | None:
        result = self._result(typology)
        return result.silhouette if result else None

    def get_silhouettes(self, typology) -> dict:
        result = self._result(typology)
        return result.silhouettes if result else {}

    def get_excluded(self, typology) -> int | None:
        result = self._result(typology)
        return result.excluded if result else None

    def get_error(self, typology) -> str:
        result = self._result(typology)
        return result.error if result else ""

    def get_classes(self, typology) -> list:
        classes = analysis_selectors.typology_classes(
            typology=typology, result=self._result(typology)
        )
        return ClassSerializer(classes, many=True).data


class TypologyDetailSerializer(TypologySerializer):
    memberships = serializers.SerializerMethodField(
        help_text="territory code → class number, in the published run"
    )

    def get_memberships(self, typology) -> dict:
        return analysis_selectors.typology_codes(result=self._result(typology))


class TypologyViewSet(viewsets.ReadOnlyModelViewSet):
    """Typologies with the profiles and labels of their classes; one typology also gives
    the class of every territory (`memberships`)."""

    lookup_field = "slug"
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return Typology.objects.none()
        return analysis_selectors.typologies_published()

    def get_serializer_class(self):
        return TypologyDetailSerializer if self.action == "retrieve" else TypologySerializer
