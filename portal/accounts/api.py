from rest_framework import routers, serializers, viewsets

from portal.accounts.models import Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name", "kind", "siret", "rna", "territory", "website", "is_demo"]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Organisation.objects.order_by("name")
    serializer_class = OrganisationSerializer
    lookup_field = "slug"
    filterset_fields = ["kind"]


router = routers.SimpleRouter()
router.register("organisations", OrganisationViewSet)
