"""Map layers as the pipeline stores them, ready to serve: boundaries and values."""

from django.db import models
from django.utils import timezone

from territories.catalogue.models import Indicator
from territories.choices import Level
from territories.pipeline.models import PipelineRun


class LayerGeometry(models.Model):
    """Simplified boundaries of one level, shared borders kept shared, ready to serve."""

    level = models.CharField(max_length=12, choices=Level.choices)
    vintage = models.PositiveSmallIntegerField(default=2026)
    source_hash = models.CharField(max_length=64)
    content = models.BinaryField()
    content_gzip = models.BinaryField()
    etag = models.CharField(max_length=64)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "vintage"], name="layer_geometry_unique")
        ]

    def __str__(self):
        return f"{self.level} {self.vintage}"


class MapLayer(models.Model):
    """One map (indicator × level × period) as one run computed it: values, ranks, classes."""

    run = models.ForeignKey(PipelineRun, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=12, choices=Level.choices)
    period = models.PositiveSmallIntegerField()
    content = models.BinaryField()
    content_gzip = models.BinaryField()
    etag = models.CharField(max_length=64)
    image = models.BinaryField(null=True, help_text="PNG of the default classification")
    inputs = models.CharField(
        max_length=64,
        blank=True,
        help_text="Fingerprint of what the layer is computed from: a later run whose inputs "
        "are the same reuses the layer instead of computing it again",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "indicator", "level", "period"], name="map_layer_unique"
            )
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.level} {self.period}"
