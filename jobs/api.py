from rest_framework import permissions, routers, serializers, viewsets

from jobs.models import Job


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "label",
            "state",
            "progress",
            "message",
            "error",
            "result",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
        ]


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """The background jobs the caller started (all of them for an administrator)."""

    serializer_class = JobSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["state", "kind"]

    def get_queryset(self):
        return Job.objects.visible_to(self.request.user)


router = routers.SimpleRouter()
router.register("jobs", JobViewSet, basename="job")
