"""Read API of the knowledge base: published resources the caller may read."""

from django.db.models import Prefetch
from rest_framework import routers, serializers, viewsets

from portal.knowledge.models import Preconisation, Resource, Theme
from territories.models import Indicator, Territory


class ResourceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    themes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    preconisations = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")
    territories = serializers.SerializerMethodField()
    indicators = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    organisation = serializers.CharField(
        source="organisation.name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = Resource
        fields = [
            "slug",
            "kind",
            "title",
            "summary",
            "body_html",
            "external_url",
            "organisation",
            "themes",
            "preconisations",
            "territories",
            "indicators",
            "visibility",
            "published_at",
            "updated_at",
            "url",
        ]

    def get_url(self, resource) -> str:
        request = self.context.get("request")
        path = resource.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def get_territories(self, resource) -> list[str]:
        return [f"{t.level}/{t.code}" for t in resource.territories.all()]


class ResourceViewSet(viewsets.ReadOnlyModelViewSet):
    """Published resources readable by the caller (public ones; members-only ones when
    authenticated). Drafts never appear."""

    serializer_class = ResourceSerializer
    lookup_field = "slug"
    filterset_fields = ["kind", "themes__slug", "preconisations__number"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return Resource.objects.none()
        return (
            Resource.objects.readable_by(self.request.user)
            .select_related("organisation")
            .prefetch_related(
                Prefetch("themes", queryset=Theme.objects.only("slug")),
                Prefetch("preconisations", queryset=Preconisation.objects.only("number")),
                Prefetch("territories", queryset=Territory.objects.only("level", "code")),
                Prefetch("indicators", queryset=Indicator.objects.only("slug")),
            )
            .order_by("-published_at", "pk")
        )


router = routers.SimpleRouter()
router.register("resources", ResourceViewSet, basename="resource")
