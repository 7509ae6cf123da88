"""Read API of the catalogue and of values: indicators, values across levels, downloads."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from territories.catalogue import exports, selectors
from territories.catalogue.models import Indicator
from territories.choices import Level
from territories.geography.models import Territory
from territories.pipeline.models import PipelineRun
from territories.pipeline.selectors import published_run_id


class IndicatorSerializer(serializers.ModelSerializer):
    denominator = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    numerator = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "slug",
            "name",
            "definition",
            "unit",
            "theme",
            "source",
            "source_vintage",
            "polarity",
            "aggregation",
            "numerator",
            "denominator",
            "scale",
            "decimals",
            "min_coverage",
            "min_count",
        ]


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Indicator.objects.select_related("denominator", "numerator").order_by("slug")
    serializer_class = IndicatorSerializer
    lookup_field = "slug"
    filterset_fields = ["theme", "aggregation", "polarity"]
    pagination_class = None


class ValueSerializer(serializers.Serializer):
    level = serializers.CharField(source="territory__level")
    code = serializers.CharField(source="territory__code")
    name = serializers.CharField(source="territory__name")
    indicator = serializers.CharField(source="indicator__slug")
    period = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True)
    status = serializers.CharField()
    coverage = serializers.FloatField()


class ValuesView(APIView):
    """Indicator values: communes as imported, other levels as last recomputed, with coverage.

    `download=csv` and `download=geojson` download them (GeoJSON needs one indicator and period).
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("indicator", str, description="indicator identifier (slug)"),
            OpenApiParameter("level", str, enum=Level.values),
            OpenApiParameter("period", int),
            OpenApiParameter("territory", str, description="territory code"),
            OpenApiParameter("download", str, enum=["csv", "geojson"]),
        ],
        responses=ValueSerializer(many=True),
    )
    def get(self, request):
        params = request.query_params
        indicator = None
        if params.get("indicator"):
            indicator = Indicator.objects.filter(slug=params["indicator"]).first()
            if indicator is None:
                return Response({"detail": "Unknown indicator."}, status=400)
        level = params.get("level") or None
        if level and level not in Level.values:
            return Response(
                {"detail": f"level must be one of {', '.join(Level.values)}."}, status=400
            )
        period = params.get("period") or None
        if period and not period.isdigit():
            return Response({"detail": "period must be a year."}, status=400)
        if indicator is None and not (level or params.get("territory")):
            return Response({"detail": "Give an indicator, a level or a territory."}, status=400)
        rows = selectors.values_table(
            indicator=indicator, level=level, period=period, territory_code=params.get("territory")
        )
        output = params.get("download", "json")
        if output == "csv":
            return self._csv(rows, indicator)
        if output == "geojson":
            return self._geojson(rows, indicator, period)
        return Response(ValueSerializer(rows, many=True).data)

    def _csv(self, rows, indicator):
        run = PipelineRun.objects.filter(pk=published_run_id()).first()
        return exports.csv_response(
            comments=[
                f"Cohésion — {indicator.name if indicator else 'valeurs'}; source: "
                f"{indicator.source if indicator else 'INSEE'}; recalcul "
                f"{run.finished_at.isoformat() if run else '-'}"
            ],
            columns=[
                "niveau",
                "code",
                "nom",
                "indicateur",
                "periode",
                "valeur",
                "statut",
                "couverture",
            ],
            rows=(
                (
                    row["territory__level"],
                    row["territory__code"],
                    row["territory__name"],
                    row["indicator__slug"],
                    row["period"],
                    row["value"],
                    row["status"],
                    round(row["coverage"], 4),
                )
                for row in rows
            ),
            filename="cohesion-valeurs.csv",
        )

    def _geojson(self, rows, indicator, period):
        if indicator is None or not period:
            return Response({"detail": "GeoJSON needs an indicator and a period."}, status=400)
        codes = {(r["territory__level"], r["territory__code"]): r for r in rows}
        geometries = Territory.objects.filter(
            level__in={key[0] for key in codes}, code__in={key[1] for key in codes}
        ).values_list("level", "code", "geometry")
        features = []
        for level, code, geometry in geometries:
            row = codes.get((level, code))
            if row is None:
                continue
            features.append(
                {
                    "type": "Feature",
                    "geometry": geometry,
                    "properties": {
                        "level": level,
                        "code": code,
                        "name": row["territory__name"],
                        "value": row["value"],
                        "status": row["status"],
                        "coverage": row["coverage"],
                    },
                }
            )
        return exports.geojson_response(
            features=features,
            metadata={
                "indicator": indicator.slug,
                "period": int(period),
                "source": indicator.source,
            },
            filename="cohesion-valeurs.geojson",
        )
