"""Read API of the catalogue and of values: indicators, values across levels, downloads."""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.schema import problem_response
from territories.catalogue import exports, selectors
from territories.catalogue.models import Indicator
from territories.choices import Level, value_status_label
from territories.geography.models import Territory
from territories.pipeline.models import PipelineRun
from territories.pipeline.selectors import published_run_id


class IndicatorSerializer(serializers.ModelSerializer):
    denominator = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    numerator = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    variant_of = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

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
            "variant_of",
            "dimension",
            "variant_label",
            "method",
            "secrecy",
        ]


class IndicatorFilter(django_filters.FilterSet):
    headline = django_filters.ChoiceFilter(
        choices=[("1", "headline indicators only"), ("0", "details only")],
        method="filter_headline",
        label="1: headline indicators only; 0: the details of headline indicators",
    )
    variant_of = django_filters.CharFilter(
        field_name="variant_of__slug", label="The details of this indicator (slug)"
    )

    class Meta:
        model = Indicator
        fields = ["theme", "aggregation", "polarity", "headline", "variant_of"]

    def filter_headline(self, queryset, name, value):
        return queryset.filter(variant_of__isnull=value == "1")


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Indicator.objects.select_related("denominator", "numerator", "variant_of").order_by(
        "slug"
    )
    serializer_class = IndicatorSerializer
    lookup_field = "slug"
    filterset_class = IndicatorFilter
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


class ValuesQuerySerializer(serializers.Serializer):
    """The parameters of the values endpoint; wrong ones are answered with 400."""

    indicator = serializers.CharField(required=False, help_text="indicator identifier (slug)")
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    period = serializers.IntegerField(required=False, min_value=0)
    territory = serializers.CharField(required=False, help_text="territory code")
    download = serializers.ChoiceField(choices=["csv", "geojson"], required=False)

    def to_internal_value(self, data):
        # DRF reads an empty optional parameter as absent (`?indicator=` would list every
        # indicator): refused, as the filters of the other endpoints refuse it.
        empty = {
            name: [_("This parameter is empty; leave it out or give a value.")]
            for name in self.fields
            if name in data and not str(data[name]).strip()
        }
        if empty:
            raise serializers.ValidationError(empty)
        return super().to_internal_value(data)

    def validate_indicator(self, slug):
        indicator = Indicator.objects.filter(slug=slug).first()
        if indicator is None:
            raise serializers.ValidationError(
                _("Unknown indicator “%(value)s”.") % {"value": slug[:80]}
            )
        return indicator

    def validate(self, data):
        if not (data.get("indicator") or data.get("level") or data.get("territory")):
            raise serializers.ValidationError(_("Give an indicator, a level or a territory."))
        geojson = data.get("download") == "geojson"
        if geojson and not (data.get("indicator") and data.get("period")):
            raise serializers.ValidationError(_("GeoJSON needs an indicator and a period."))
        return data


class ValuesView(APIView):
    """Indicator values: communes as imported, other levels as last recomputed, with coverage.

    `download=csv` and `download=geojson` download them (GeoJSON needs one indicator and period).
    """

    @extend_schema(
        parameters=[ValuesQuerySerializer],
        responses={
            (200, "application/json"): ValueSerializer(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/geo+json"): OpenApiTypes.OBJECT,
            # Well-formed parameters may still be refused: rules across parameters and
            # identifiers that exist or not are more than a schema can say.
            (400, "application/problem+json"): problem_response(
                "Invalid parameters; also an indicator that does not exist, none of "
                "`indicator`, `level` or `territory` given, or `download=geojson` without "
                "both an `indicator` and a `period`."
            ),
        },
    )
    def get(self, request):
        query = ValuesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        indicator, level, period, territory, download = (
            query.validated_data.get(name)
            for name in ("indicator", "level", "period", "territory", "download")
        )
        rows = selectors.values_table(
            indicator=indicator, level=level, period=period, territory_code=territory
        )
        if download == "csv":
            return self._csv(rows, indicator)
        if download == "geojson":
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
                "libelle_statut",
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
                    value_status_label(row["status"]),
                )
                for row in rows
            ),
            filename="cohesion-valeurs.csv",
        )

    def _geojson(self, rows, indicator, period):
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
