"""Read API of the returns: those the caller may read (their organisations' ones; every one
for the portal's administrators), with their lines and figures."""

from django.db.models import Prefetch
from rest_framework import permissions, routers, serializers, viewsets

from observatory.returns import selectors
from observatory.returns.fields import NAMES
from observatory.returns.models import Return, ReturnLine


class ReturnLineSerializer(serializers.ModelSerializer):
    profession = serializers.SlugRelatedField(slug_field="code", read_only=True)
    profession_name = serializers.CharField(source="profession.name", read_only=True)

    class Meta:
        model = ReturnLine
        fields = ["profession", "profession_name", *NAMES, "recruitment_comment", "justifications"]


class ReturnSerializer(serializers.ModelSerializer):
    campaign = serializers.IntegerField(source="campaign.year", read_only=True)
    establishment = serializers.CharField(source="establishment.name", read_only=True)
    siret = serializers.CharField(source="establishment.siret", read_only=True)
    organisation = serializers.CharField(source="establishment.organisation.name", read_only=True)
    lines = ReturnLineSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Return
        fields = [
            "id",
            "campaign",
            "establishment",
            "siret",
            "organisation",
            "status",
            "version",
            "is_demo",
            "comment",
            "submitted_at",
            "validated_at",
            "updated_at",
            "lines",
            "url",
        ]

    def get_url(self, return_obj) -> str:
        request = self.context.get("request")
        path = return_obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class ReturnViewSet(viewsets.ReadOnlyModelViewSet):
    """Employers' returns to the observatory's campaigns that the caller may read: those of
    the organisations they act for (every one for administrators); authentication required.
    Demonstration returns say so (`is_demo`: données fictives de démonstration)."""

    serializer_class = ReturnSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status", "campaign__year"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return Return.objects.none()
        return (
            selectors.returns_visible_to(self.request.user)
            .select_related("campaign", "establishment__organisation")
            .prefetch_related(
                Prefetch("lines", queryset=ReturnLine.objects.select_related("profession"))
            )
            .order_by("-campaign__year", "establishment__name", "pk")
        )


router = routers.SimpleRouter()
router.register("observatoire/declarations", ReturnViewSet, basename="observatory-return")
