"""A person's own notifications through the API: list, and mark read."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, routers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.accounts.notifications import kinds, selectors, services
from portal.accounts.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "created_at", "read_at"]

    def get_kind_label(self, notification) -> str:
        return str(kinds.kind(notification.kind).label)

    def get_url(self, notification) -> str:
        request = self.context.get("request")
        path = notification.path
        return request.build_absolute_uri(path) if request and path else path


MARKED = inline_serializer("Marked", fields={"marked": serializers.IntegerField()})


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's notifications, newest first (authentication required)."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["kind"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return Notification.objects.none()
        return selectors.notifications_for(user=self.request.user)

    @extend_schema(request=None, responses=MARKED)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark this notification read."""
        notification = self.get_object()
        return Response({"marked": services.mark_read(user=request.user, ids=[notification.pk])})

    @extend_schema(request=None, responses=MARKED)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark all the caller's notifications read."""
        return Response({"marked": services.mark_read(user=request.user)})


router = routers.SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")
